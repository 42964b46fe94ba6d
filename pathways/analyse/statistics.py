"""The statistics behind shares, comparisons and funnel plots, from statsmodels and scipy.

Nothing here is hand-written where a well-kept library has it: Wilson
intervals and the two-sample tests come from ``statsmodels``, the normal
quantiles from ``scipy``. What is ours is the arrangement of Spiegelhalter's
funnel limits with overdispersion (Spiegelhalter 2005, *Funnel plots for
comparing institutional performance*, Stat Med 24:1185–1202), done as NHS
FunnelPlotR does it for proportions, so figures can be checked against it:

1. each group's share on the arcsine-square-root scale, ``y = asin(sqrt(p))``,
   with standard error ``s = 1 / (2 sqrt(n))``, and the target the pooled
   share on the same scale;
2. z-scores ``(y - target) / s``, Winsorised at the 10th and 90th percentiles;
3. the dispersion ``phi = mean(z²)``; when ``n_groups × phi`` exceeds
   ``n_groups - 1``, a between-group variance ``tau²`` by DerSimonian and
   Laird's moment estimate, otherwise none;
4. limits ``sin²(target ± z_α sqrt(s² + tau²))`` at 95 % and 99.8 %, cut to
   [0, 1].

Rates per resident (``scale="rate"``, e.g. discharge-ready days per 1,000
residents) take the square-root scale instead, as Spiegelhalter does for
Poisson counts: ``y = sqrt(count / of)`` with the same standard error
``1 / (2 sqrt(n))``, limits ``(target ± z_α sqrt(s² + tau²))²``, cut at 0.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats import proportion as sm_proportion

__all__ = ["Difference", "Funnel", "difference", "funnel", "funnel_limits", "wilson"]

#: Two-sided coverage of the funnel's inner (warning) and outer (control) limits.
WARNING, CONTROL = 0.95, 0.998
#: Share of z-scores Winsorised at each end before the dispersion is estimated.
WINSOR = 0.10
#: The variance-stabilising scales: shares (binomial) and rates per resident (Poisson).
SCALES = ("share", "rate")


def _to_scale(value: object, scale: str) -> np.ndarray:
    root = np.sqrt(np.asarray(value, dtype=float))
    return np.arcsin(root) if scale == "share" else root


def _from_scale(y: np.ndarray, scale: str) -> np.ndarray:
    if scale == "share":
        return np.sin(np.clip(y, 0, np.pi / 2)) ** 2
    return np.clip(y, 0, None) ** 2


def wilson(count: object, of: object, *, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``count / of`` (arrays or numbers), NaN where ``of`` is 0.

    >>> low, high = wilson(54, 278)
    >>> round(float(low), 4), round(float(high), 4)
    (0.152, 0.2448)
    """
    count_a = np.asarray(count, dtype=float)
    of_a = np.asarray(of, dtype=float)
    safe = np.where(of_a > 0, of_a, 1.0)
    low, high = sm_proportion.proportion_confint(count_a, safe, alpha=1 - level, method="wilson")
    low = np.where(of_a > 0, low, np.nan)
    high = np.where(of_a > 0, high, np.nan)
    return low, high


@dataclass(frozen=True)
class Funnel:
    """Funnel limits for a set of groups' shares."""

    #: The pooled share (all groups' counts over all their denominators).
    target: float
    #: The dispersion ratio of the Winsorised z-scores (1 when none).
    phi: float
    #: The between-group variance added to each group's (0 without overdispersion).
    tau2: float
    #: Per group, in the order given: ``count``, ``of``, ``value``, ``z``
    #: (adjusted for overdispersion), ``lower95``, ``upper95``, ``lower998``,
    #: ``upper998`` and ``outside`` (``high`` or ``low`` beyond the 99.8 %
    #: limits, ``None`` inside).
    table: pd.DataFrame


def funnel(count: object, of: object, *, overdispersion: bool = True,
           scale: str = "share") -> Funnel:
    """Spiegelhalter's funnel limits for shares ``count / of`` of several groups.

    Groups with ``of`` 0 get no limits. With ``overdispersion`` False the
    limits are those of the binomial alone (``tau2`` = 0). With ``scale``
    ``"rate"``, ``count / of`` is a rate per resident (see the module notes).
    """
    counts = np.asarray(count, dtype=float)
    ofs = np.asarray(of, dtype=float)
    used = ofs > 0
    target_p = counts[used].sum() / ofs[used].sum() if used.any() else np.nan
    target = _to_scale(target_p, scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = _to_scale(np.where(used, counts / np.where(used, ofs, 1), np.nan), scale)
        s = np.where(used, 1 / (2 * np.sqrt(np.where(used, ofs, 1))), np.nan)
        z = (y - target) / s
    phi, tau2 = 1.0, 0.0
    zs = z[used]
    if overdispersion and zs.size >= 2:
        low, high = np.quantile(zs, [WINSOR, 1 - WINSOR])
        phi = float(np.mean(np.clip(zs, low, high) ** 2))
        k = zs.size
        if k * phi > k - 1:
            w = 1 / s[used] ** 2
            tau2 = max(0.0, float((k * phi - (k - 1)) / (w.sum() - (w ** 2).sum() / w.sum())))
    spread = np.sqrt(s ** 2 + tau2)
    limits = funnel_limits(float(target_p), tau2, ofs, scale=scale)
    value = np.where(used, counts / np.where(used, ofs, 1), np.nan)
    outside = np.where(value > limits["upper998"], "high",
                       np.where(value < limits["lower998"], "low", None))
    table = pd.DataFrame({"count": counts, "of": ofs, "value": value,
                          "z": (y - target) / spread, **limits, "outside": outside})
    table.loc[~used, ["lower95", "upper95", "lower998", "upper998"]] = np.nan
    table["outside"] = table["outside"].where(used & table["outside"].notna(), None)
    return Funnel(float(target_p), phi, tau2, table)


def funnel_limits(target: float, tau2: float, of: object, *,
                  scale: str = "share") -> dict[str, np.ndarray]:
    """The funnel's 95 % and 99.8 % limits around share ``target`` at denominators ``of``.

    ``lower95``, ``upper95``, ``lower998``, ``upper998``: ``sin²(asin(√target)
    ± z sqrt(1 / 4n + tau2))``, cut to [0, 1] (for ``scale="rate"``,
    ``(√target ± z sqrt(1 / 4n + tau2))²``, cut at 0). Used for each group's
    limits and for the curves drawn.

    >>> {k: round(float(v), 4) for k, v in funnel_limits(0.2, 0.0, 100).items()}
    {'lower95': 0.1278, 'upper95': 0.2836, 'lower998': 0.0926, 'upper998': 0.3359}
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}; got {scale!r}")
    ofs = np.asarray(of, dtype=float)
    centre = _to_scale(target, scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.sqrt(1 / (4 * ofs) + tau2)
    limits = {}
    for name, level in (("95", WARNING), ("998", CONTROL)):
        q = norm.ppf(1 - (1 - level) / 2)
        limits[f"lower{name}"] = _from_scale(centre - q * spread, scale)
        limits[f"upper{name}"] = _from_scale(centre + q * spread, scale)
    return limits


@dataclass(frozen=True)
class Difference:
    """The change between two shares, ``after - before``, with its interval and test."""

    #: ``count_after / of_after - count_before / of_before``.
    value: float
    #: The lower bound of its 95 % confidence interval (Newcombe's score method).
    lower: float
    #: The upper bound.
    upper: float
    #: Two-sided score test of equal shares.
    p_value: float


def difference(count_before: int, of_before: int, count_after: int, of_after: int,
               *, level: float = 0.95) -> Difference | None:
    """The difference of two shares with its confidence interval and test (statsmodels).

    None when either denominator is 0.

    >>> d = difference(30, 100, 18, 100)
    >>> round(d.value, 2), d.lower < d.value < d.upper, round(d.p_value, 3)
    (-0.12, True, 0.047)
    """
    if not of_before or not of_after:
        return None
    with warnings.catch_warnings():  # statsmodels' odds ratio divides by zero at 0 or 100 %
        warnings.simplefilter("ignore", RuntimeWarning)
        return _difference(count_before, of_before, count_after, of_after, level)


def _difference(count_before: int, of_before: int, count_after: int, of_after: int,
                level: float) -> Difference:
    low, high = sm_proportion.confint_proportions_2indep(
        count_after, of_after, count_before, of_before, method="newcomb", compare="diff",
        alpha=1 - level)
    test = sm_proportion.test_proportions_2indep(count_after, of_after, count_before, of_before,
                                   method="score", compare="diff")
    value = count_after / of_after - count_before / of_before
    return Difference(float(value), float(low), float(high), float(test.pvalue))
