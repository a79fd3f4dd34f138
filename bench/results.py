"""Pure arithmetic and formatting for the benchmarks: medians, ratios, targets, the table.

Everything here is a plain function of numbers already measured, so it can be unit-tested
without a router; the measuring lives in `bench.probe`, `bench.original_fanout` and
`bench.profiler_bench`.

Not for: measuring anything, or starting processes.
"""
from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from typing import Iterable, Sequence


def median(values: Iterable[float]) -> float:
    """The median of at least one value (the middle of an even count is the mean of the two)."""
    data = list(values)
    if not data:
        raise ValueError("median of no values: a benchmark round produced nothing to compare")
    return float(statistics.median(data))


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator; a zero denominator is a measuring error, not infinity."""
    if denominator == 0:
        raise ValueError(f"cannot form a ratio over zero (numerator {numerator})")
    return numerator / denominator


def median_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """The median of per-round ratios: each round's pair was measured side by side,
    so the machine's drift between rounds cancels inside each ratio."""
    if len(numerators) != len(denominators):
        raise ValueError(f"rounds differ in length: {len(numerators)} vs {len(denominators)}")
    return median(ratio(n, d) for n, d in zip(numerators, denominators))


def growth_per_item_kb(before_bytes: int, after_bytes: int, items: int) -> float:
    """Memory growth per item in kB (1 kB = 1000 bytes, as in the measured facts)."""
    if items <= 0:
        raise ValueError(f"items must be positive, got {items}")
    return (after_bytes - before_bytes) / items / 1000.0


def per_call_us(cpu_seconds: float, calls: int) -> float:
    """CPU microseconds per call."""
    if calls <= 0:
        raise ValueError(f"calls must be positive, got {calls}")
    return cpu_seconds / calls * 1e6


def extrapolate(measured: float, measured_count: int, target_count: int) -> float:
    """Linear extrapolation of a total measured over `measured_count` items to `target_count`.

    Used for the original design in --quick mode: its per-process cost is CPU-bound start-up,
    so on a saturated machine both summed memory and wall time grow linearly with processes.
    """
    if measured_count <= 0:
        raise ValueError(f"measured_count must be positive, got {measured_count}")
    return measured * target_count / measured_count


@dataclass(frozen=True)
class Target:
    """One gate: `value` must be at most `limit`."""

    name: str
    value: float
    limit: float
    unit: str = ""

    @property
    def met(self) -> bool:
        return self.value <= self.limit

    def describe(self) -> str:
        verdict = "met" if self.met else "MISSED"
        return f"{verdict}: {self.name} = {self.value:.3g}{self.unit} (target <= {self.limit:g}{self.unit})"

    def as_dict(self) -> dict:
        return {**asdict(self), "met": self.met}


def missed(targets: Iterable[Target]) -> list[Target]:
    return [t for t in targets if not t.met]


def format_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain aligned text table; floats are shown with 3 significant digits."""
    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
        return str(value)

    text = [[cell(v) for v in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in text)) if text else len(str(h))
              for i, h in enumerate(header)]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in text]
    return "\n".join(lines)
