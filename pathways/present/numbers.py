"""Numbers as a reader sees them: localised, and small counts suppressed.

Suppression is the report's privacy rule (DESIGN §8): a count from 1 to
``min_count - 1`` is shown as ``<min_count`` and no rate is computed from it,
neither as numerator nor as denominator. Zero is shown: it identifies no one.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pathways.present.messages import Messages

NBSP = "\u00a0"


def is_suppressed(count: int | None, min_count: int) -> bool:
    """True when ``count`` is small enough to identify someone (1 ≤ count < min_count).

    Examples
    --------
    >>> is_suppressed(0, 5), is_suppressed(4, 5), is_suppressed(5, 5)
    (False, True, False)
    """
    return count is not None and 0 < count < min_count


def safe_rate(numerator: int, denominator: int, min_count: int) -> float | None:
    """Numerator / denominator, or None when either is suppressed or the denominator is 0.

    Examples
    --------
    >>> safe_rate(10, 40, 5), safe_rate(3, 40, 5), safe_rate(0, 40, 5), safe_rate(9, 4, 5)
    (0.25, None, 0.0, None)
    """
    if denominator <= 0 or is_suppressed(numerator, min_count) or is_suppressed(
            denominator, min_count):
        return None
    return numerator / denominator


def int_text(value: int, lang: str) -> str:
    r"""An integer with the language's thousands separator.

    Examples
    --------
    >>> int_text(12345, "nb"), int_text(12345, "en")
    ('12\xa0345', '12,345')
    """
    text = f"{int(value):,}"
    return text.replace(",", NBSP) if lang == "nb" else text


def count_text(value: int | None, lang: str, min_count: int) -> str:
    """A count, or ``<min_count`` when it is suppressed.

    Examples
    --------
    >>> count_text(3, "nb", 5), count_text(1200, "en", 5), count_text(None, "en", 5)
    ('<5', '1,200', '–')
    """
    if value is None:
        return "–"
    if is_suppressed(value, min_count):
        return f"<{min_count}"
    return int_text(value, lang)


def decimal_text(value: float, lang: str, digits: int = 1) -> str:
    """A decimal number with the language's decimal mark.

    Examples
    --------
    >>> decimal_text(2.25, "nb", 2), decimal_text(1234.5, "en")
    ('2,25', '1,234.5')
    """
    text = f"{value:,.{digits}f}"
    if lang == "nb":
        text = text.replace(",", " ").replace(".", ",").replace(" ", NBSP)
    return text


def pct_text(value: float | None, lang: str, digits: int = 0) -> str:
    r"""A share as a percentage (``–`` when not computed).

    Examples
    --------
    >>> pct_text(0.125, "nb", 1), pct_text(0.125, "en"), pct_text(None, "en")
    ('12,5\xa0%', '12%', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = decimal_text(100 * value, lang, digits)
    return f"{number}{NBSP}%" if lang == "nb" else f"{number}%"


def hours_text(hours: float | None, lang: str) -> str:
    r"""A waiting time in minutes, hours or days, whichever reads best.

    Examples
    --------
    >>> hours_text(0.5, "nb"), hours_text(5.25, "nb"), hours_text(72, "en")
    ('30\xa0min', '5,2\xa0t', '3.0\xa0d')
    """
    if hours is None or (isinstance(hours, float) and math.isnan(hours)):
        return "–"
    if hours < 1:
        return f"{hours * 60:.0f}{NBSP}min"
    if hours < 48:
        return f"{decimal_text(hours, lang)}{NBSP}{'t' if lang == 'nb' else 'h'}"
    return f"{decimal_text(hours / 24, lang)}{NBSP}d"


def date_text(ts_us: int | None, timezone: str) -> str:
    """An instant (µs since the epoch, UTC) as a local ISO date.

    Examples
    --------
    >>> date_text(1735713000000000, "Europe/Oslo")
    '2025-01-01'
    """
    if ts_us is None:
        return "–"
    instant = datetime.fromtimestamp(ts_us / 1e6, tz=UTC).astimezone(ZoneInfo(timezone))
    return instant.strftime("%Y-%m-%d")


def share_interval(count: int | None, of: int | None, min_count: int
                   ) -> tuple[float, float] | None:
    """The 95 % Wilson interval of ``count / of`` (statsmodels), or None.

    None when either count is missing or suppressed, or ``of`` is 0: an
    interval would give a hidden count back, as the share itself would.

    Examples
    --------
    >>> low, high = share_interval(54, 278, 5)
    >>> round(low, 4), round(high, 4)
    (0.152, 0.2448)
    >>> share_interval(3, 278, 5), share_interval(0, 0, 5)
    (None, None)
    """
    from pathways.analyse.statistics import wilson

    if count is None or of is None or int(of) <= 0 or is_suppressed(int(count), min_count) \
            or is_suppressed(int(of), min_count):
        return None
    low, high = wilson(int(count), int(of))
    return float(low), float(high)


def interval_text(interval: tuple[float, float] | None, lang: str, digits: int = 1) -> str:
    r"""A share's 95 % interval in words, ``95 % KI 15,2–24,5 %`` (empty when None).

    Examples
    --------
    >>> interval_text((0.152, 0.2448), "nb")
    '95\xa0% KI 15,2–24,5\xa0%'
    >>> interval_text((0.152, 0.2448), "en"), interval_text(None, "en")
    ('95% CI 15.2–24.5%', '')
    """
    if interval is None:
        return ""
    low, high = (decimal_text(100 * v, lang, digits) for v in interval)
    return Messages(lang)("interval_95", low=low, high=high)


def range_text(interval: tuple[float, float] | None, lang: str, digits: int = 1) -> str:
    r"""A share's interval as a table cell, ``15,2–24,5`` (``–`` when None).

    Examples
    --------
    >>> range_text((0.152, 0.2448), "nb"), range_text(None, "en")
    ('15,2–24,5', '–')
    """
    if interval is None:
        return "–"
    low, high = (decimal_text(100 * v, lang, digits) for v in interval)
    return f"{low}–{high}"
