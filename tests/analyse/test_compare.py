"""Comparison of groups (DESIGN §9): funnel limits, before and after, suppression, errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats import proportion as sm_proportion

import pathways
from pathways.analyse.compare import COMPARE_KEYS, compare
from pathways.analyse.statistics import difference, funnel, funnel_limits, wilson
from pathways.errors import OptionError

EPIKRISE = """
pathway: test
rules:
  - id: epikrise-1d
    kind: information
    after: {activity: Utskrivning}
    expect: {activity: Epikrise sendt}
    within: 1d
    title: {nb: Epikrise ikke sendt innen ett døgn, en: Discharge summary late}
"""
RULE = "rule:test/epikrise-1d"


def write_groups(tmp_path: Path, groups: dict[str, tuple[int, int]], *,
                 month: str = "03") -> tuple[Path, Path]:
    """A log where municipality M has ``n`` discharges of which ``k`` get no epikrise.

    Each discharge is its own case on 2025-MM-DD; a met trigger gets its
    epikrise two hours later. A last event on 2025-12-31 closes every window.
    """
    lines = ["case_id,activity,timestamp,care_level,Kommune"]
    number = 0
    for municipality, (broken, n) in groups.items():
        for i in range(n):
            number += 1
            day = f"2025-{month}-{1 + i % 28:02d}"
            lines.append(f"c{number},Utskrivning,{day} 10:00,hospital_ward,{municipality}")
            if i >= broken:
                lines.append(f"c{number},Epikrise sendt,{day} 12:00,hospital_ward,"
                             f"{municipality}")
    lines.append(f"c{number},Fastlegetime,2025-12-31 10:00,gp,{municipality}")
    log_path = tmp_path / "log.csv"
    log_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text(EPIKRISE, encoding="utf-8")
    return log_path, rules


# --- statistics -----------------------------------------------------------------------


def test_funnel_limits_worked_by_hand():
    # target 20 %, n = 100, no overdispersion: asin(sqrt(0.2)) = 0.463648, s = 0.05;
    # 95 %: sin²(0.463648 ∓ 1.959964 × 0.05) = sin²(0.365649), sin²(0.561646)
    limits = funnel_limits(0.2, 0.0, 100)
    assert float(limits["lower95"]) == pytest.approx(math.sin(0.3656494) ** 2, abs=1e-6)
    assert float(limits["upper95"]) == pytest.approx(math.sin(0.5616458) ** 2, abs=1e-6)
    assert float(limits["lower998"]) == pytest.approx(
        math.sin(0.4636476 - 3.0902323 * 0.05) ** 2, abs=1e-6)
    assert round(float(limits["lower95"]), 4) == 0.1278


def reference_funnel(counts, ofs):
    """FunnelPlotR's proportion method written plainly, one group at a time."""
    target_p = sum(counts) / sum(ofs)
    target = math.asin(math.sqrt(target_p))
    ys = [math.asin(math.sqrt(c / n)) for c, n in zip(counts, ofs, strict=True)]
    ss = [1 / (2 * math.sqrt(n)) for n in ofs]
    zs = [(y - target) / s for y, s in zip(ys, ss, strict=True)]
    low, high = np.quantile(zs, [0.1, 0.9])  # R's default quantile type 7
    phi = sum(min(max(z, low), high) ** 2 for z in zs) / len(zs)
    k = len(zs)
    tau2 = 0.0
    if k * phi >= k - 1:
        w = [1 / s**2 for s in ss]
        tau2 = max(0.0, (k * phi - (k - 1)) / (sum(w) - sum(x * x for x in w) / sum(w)))
    upper = [math.sin(min(math.pi / 2, target + 3.090232 * math.sqrt(s * s + tau2))) ** 2
             for s in ss]
    lower = [math.sin(max(0.0, target - 1.959964 * math.sqrt(s * s + tau2))) ** 2 for s in ss]
    return target_p, phi, tau2, lower, upper


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 200)), min_size=3, max_size=12))
def test_funnel_equals_plain_reference(groups):
    ofs = [max(n, c) for c, n in groups]
    counts = [c for c, _ in groups]
    if sum(counts) in (0, sum(ofs)):
        return  # no spread at 0 % or 100 %
    result = funnel(counts, ofs)
    target_p, phi, tau2, lower95, upper998 = reference_funnel(counts, ofs)
    assert result.target == pytest.approx(target_p)
    assert result.phi == pytest.approx(phi)
    assert result.tau2 == pytest.approx(tau2, abs=1e-12)
    assert result.table["lower95"].tolist() == pytest.approx(lower95, abs=1e-5)
    assert result.table["upper998"].tolist() == pytest.approx(upper998, abs=1e-5)


def test_no_overdispersion_when_groups_agree():
    result = funnel([20, 21, 19, 20], [100, 100, 100, 100])
    assert result.tau2 == 0.0
    assert result.table["outside"].isna().all()


def test_a_far_group_is_outside_high():
    result = funnel([20, 21, 19, 20, 60], [100, 100, 100, 100, 100], overdispersion=False)
    assert result.table["outside"].tolist() == [None, None, None, None, "high"]


def test_difference_matches_statsmodels_directly():
    d = difference(30, 100, 18, 100)
    low, high = sm_proportion.confint_proportions_2indep(18, 100, 30, 100, method="newcomb")
    test = sm_proportion.test_proportions_2indep(18, 100, 30, 100, method="score")
    assert (d.value, d.lower, d.upper, d.p_value) == pytest.approx(
        (-0.12, low, high, test.pvalue))
    assert difference(1, 0, 1, 10) is None


def test_wilson_matches_statsmodels():
    low, high = wilson([54, 0], [278, 0])
    ref = sm_proportion.proportion_confint(54, 278, method="wilson")
    assert (low[0], high[0]) == pytest.approx(ref)
    assert np.isnan(low[1])


# --- compare ---------------------------------------------------------------------------


def test_compare_by_municipality_counts_and_funnel(tmp_path):
    log_path, rules = write_groups(tmp_path, {"Aby": (5, 40), "Bby": (6, 40), "Cby": (30, 40)})
    result = compare(pathways.read(log_path), by="municipality", rules=rules)
    rows = result.rows[result.rows["indicator"] == RULE].set_index("group")
    assert rows[["count", "of"]].astype(int).to_dict("index") == {
        "Aby": {"count": 5, "of": 40}, "Bby": {"count": 6, "of": 40},
        "Cby": {"count": 30, "of": 40}}
    expected = funnel([5, 6, 30], [40, 40, 40]).table
    assert rows["upper998"].tolist() == pytest.approx(expected["upper998"].tolist())
    assert rows["outside"].tolist() == expected["outside"].tolist()
    assert result.targets[RULE] == pytest.approx(41 / 120)


def test_compare_json_has_exactly_the_design_keys_and_hides_small_counts(tmp_path):
    log_path, rules = write_groups(tmp_path, {"Aby": (2, 40), "Bby": (6, 40), "Cby": (9, 40)})
    result = compare(pathways.read(log_path), by="municipality", rules=rules)
    records = [r for r in result.to_records() if r["indicator"] == RULE]
    assert all(list(r) == list(COMPARE_KEYS) for r in records)
    by_group = {r["group"]: r for r in records}
    assert by_group["Aby"]["count"] == "<5"
    assert by_group["Aby"]["value"] is None
    # With the whole's share shown, Aby's 2 = 17 - 6 - 9: the smallest other group is hidden too.
    hidden = [g for g, r in by_group.items() if isinstance(r["count"], str)]
    assert len(hidden) == 2
    json.dumps(records)  # plain JSON: no numpy values


def test_compare_by_period_before_and_after(tmp_path):
    before, _ = write_groups(tmp_path, {"Aby": (12, 40)}, month="03")
    text_before = before.read_text(encoding="utf-8").splitlines()[1:-1]
    after, rules = write_groups(tmp_path, {"Aby": (4, 40)}, month="10")
    lines = after.read_text(encoding="utf-8").splitlines()
    renamed = [line.replace("c", "p", 1) for line in text_before]
    after.write_text("\n".join([lines[0], *renamed, *lines[1:]]) + "\n", encoding="utf-8")
    result = compare(pathways.read(after), by="period", at="2025-09-01", rules=rules)
    rows = result.rows[result.rows["indicator"] == RULE].set_index("group")
    assert int(rows.at["before", "count"]) == 12 and int(rows.at["after", "count"]) == 4
    change = difference(12, 40, 4, 40)
    assert rows.at["change", "value"] == pytest.approx(-0.2)
    assert rows.at["change", "lower95"] == pytest.approx(change.lower)
    assert rows.at["change", "p_value"] == pytest.approx(change.p_value)
    assert rows.at["change", "outside"] == "low"


def test_compare_errors(tmp_path):
    log_path, rules = write_groups(tmp_path, {"Aby": (5, 40), "Bby": (6, 40)})
    log = pathways.read(log_path)
    with pytest.raises(OptionError, match="outside the observation period"):
        compare(log, by="period", at="2030-01-01", rules=rules)
    with pytest.raises(OptionError, match="needs the date"):
        compare(log, by="period", rules=rules)
    with pytest.raises(OptionError, match="no hospital trust"):
        compare(log, by="hospital", rules=rules)
    with pytest.raises(OptionError, match="must be one of"):
        compare(log, by="ward", rules=rules)
    with pytest.raises(OptionError, match="'Xby' is not a municipality"):
        compare(log, by="municipality", groups=["Aby", "Xby"], rules=rules)
    small, rules = write_groups(tmp_path, {"Aby": (1, 3), "Bby": (1, 40)})
    with pytest.raises(OptionError, match="Fewer than two municipality groups"):
        compare(pathways.read(small), by="municipality", rules=rules)


# --- the difference level map ---------------------------------------------------------------


def test_flow_changes_and_difference_map_on_a_log_whose_changes_are_known(tmp_path):
    """Before 1 September every GP visit leads to the ward after 2 h (10 cases); from it,
    six lead to home care after 5 h and four still to the ward, now after 1 h."""
    from pathways.analyse.compare import flow_changes
    from pathways.present.compare import flow_change_dot

    lines = ["case_id,activity,timestamp,care_level"]
    for i in range(10):
        lines += [f"b{i},Fastlegetime,2025-03-{i + 1:02d} 08:00,gp",
                  f"b{i},Innleggelse,2025-03-{i + 1:02d} 10:00,hospital_ward"]
    for i in range(10):
        target, hours = ("home_care", 5) if i < 6 else ("hospital_ward", 1)
        activity = "Hjemmesykepleie" if i < 6 else "Innleggelse"
        lines += [f"a{i},Fastlegetime,2025-10-{i + 1:02d} 08:00,gp",
                  f"a{i},{activity},2025-10-{i + 1:02d} {8 + hours:02d}:00,{target}"]
    path = tmp_path / "log.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    flows = flow_changes(pathways.read(path), at="2025-09-01").set_index(
        ["from_level", "to_level"])
    ward, home = flows.loc[("gp", "hospital_ward")], flows.loc[("gp", "home_care")]
    assert (ward["count_before"], ward["count_after"]) == (10, 4)
    assert (home["count_before"], home["count_after"]) == (0, 6)
    assert ward["share_change"] == pytest.approx(-0.6)
    assert home["share_change"] == pytest.approx(0.6)
    assert (ward["median_before"], ward["median_after"]) == (2.0, 1.0)
    assert ward["share_upper"] < 0 < home["share_lower"]
    dot = flow_change_dot(flows.reset_index(), lang="nb", min_count=5)
    edges = {line.split("[")[0].strip(): line for line in dot.splitlines() if "->" in line}
    assert len(edges) == 2
    ward_edge = next(v for v in edges.values() if "10 → <5" in v)
    home_edge = next(v for v in edges.values() if "0 → 6" in v)
    assert "dashed" in ward_edge and "pp" not in ward_edge  # 4 after: hidden
    assert "#D55E00" in home_edge and "+60,0 pp" in home_edge


def test_rate_funnel_limits_worked_by_hand():
    # 1 % per resident among 10,000: sqrt(0.01) = 0.1, s = 1 / (2 * 100) = 0.005;
    # upper 95 % = (0.1 + 1.959964 * 0.005)² = 0.0120560, lower = 0.0902002² = 0.0081361
    limits = funnel_limits(0.01, 0.0, 10_000, scale="rate")
    assert math.isclose(float(limits["upper95"]), 0.0120560, rel_tol=1e-4)
    assert math.isclose(float(limits["lower95"]), 0.0081361, rel_tol=1e-4)
    # a rate has no ceiling at 1, unlike a share
    assert float(funnel_limits(0.9, 0.0, 4, scale="rate")["upper998"]) > 1
    result = funnel([100, 300], [10_000, 10_000], scale="rate", overdispersion=False)
    assert math.isclose(result.target, 0.02)
    assert result.table["outside"].tolist() == ["low", "high"]


REGISTERS = Path(__file__).resolve().parents[2] / "eventlogs" / "registers"


def test_population_adds_standardised_discharge_ready_days_per_1000():
    log = pathways.read(REGISTERS / "helsefellesskap.yaml")
    people = REGISTERS / "befolkning.csv"
    result = compare(log, by="municipality", population=people)
    rows = {r["group"]: r for r in result.to_records()
            if r["indicator"] == "discharge_ready_days_per_1000"}
    measure = pathways.measures.discharge_ready_days(log, population=people).table
    by_name = measure[measure["group_by"] == "municipality"].set_index("name")
    assert set(rows) == set(by_name.index)  # the sample's own six municipalities
    for name, row in rows.items():
        assert row["of"] == by_name.at[name, "residents"]
        assert math.isclose(row["value"], by_name.at[name, "standardised_per_1000"])
        assert row["count"] == round(by_name.at[name, "ready_days_by_date"])
        assert row["lower998"] < row["lower95"] < row["upper95"] < row["upper998"]
    with pytest.raises(OptionError, match="--by municipality"):
        compare(log, by="hospital", population=people)
