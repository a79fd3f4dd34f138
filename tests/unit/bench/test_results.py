"""The benchmark's arithmetic: medians, per-round ratios, extrapolation, targets, the table."""
import pytest

from bench import results


def test_median_of_odd_and_even_counts():
    assert results.median([3.0, 1.0, 2.0]) == 2.0
    assert results.median([4.0, 1.0, 3.0, 2.0]) == 2.5


def test_median_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="no values"):
        results.median([])


def test_median_ratio_takes_ratios_per_round_then_the_median():
    # Round 2 ran on a machine twice as slow; its ratio still counts like the others.
    engine = [1.1, 2.4, 1.0]
    bare = [1.0, 2.0, 1.0]
    assert results.median_ratio(engine, bare) == pytest.approx(1.1)
    # The ratio of medians would be 1.1/1.0 here too, but not in general:
    assert results.median_ratio([1.0, 3.0, 1.3], [1.0, 2.0, 1.0]) == pytest.approx(1.3)


def test_median_ratio_rejects_unequal_rounds_and_zero():
    with pytest.raises(ValueError, match="rounds differ"):
        results.median_ratio([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="over zero"):
        results.median_ratio([1.0], [0.0])


def test_growth_per_item_in_kilobytes():
    assert results.growth_per_item_kb(10_000_000, 10_000_000 + 300 * 64_000, 300) == pytest.approx(64.0)
    with pytest.raises(ValueError):
        results.growth_per_item_kb(0, 1, 0)


def test_per_call_microseconds():
    assert results.per_call_us(0.24, 1000) == pytest.approx(240.0)
    with pytest.raises(ValueError):
        results.per_call_us(1.0, 0)


def test_extrapolate_is_linear_in_count():
    assert results.extrapolate(16.0, 30, 300) == pytest.approx(160.0)
    with pytest.raises(ValueError):
        results.extrapolate(1.0, 0, 300)


def test_target_met_at_the_limit_and_missed_above_it():
    at = results.Target("memory", 64.0, 64.0, " kB")
    above = results.Target("cpu ratio", 1.25, 1.2)
    assert at.met and not above.met
    assert results.missed([at, above]) == [above]
    assert above.describe() == "MISSED: cpu ratio = 1.25 (target <= 1.2)"
    assert at.as_dict()["met"] is True


def test_format_table_aligns_columns():
    text = results.format_table(("a", "long header"), [("x", 1.23456), ("yy", 12345.6)])
    lines = text.splitlines()
    assert lines[0].index("long header") == lines[2].index("1.23") == lines[3].index("12,346")
    assert len(lines) == 4
