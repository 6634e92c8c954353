"""How figures are written in every report: shares, points, days, and an estimate's two
intervals (sampling; across the posterior), so the summary, the comparisons and the
terminal say them alike."""

from __future__ import annotations

from collections.abc import Callable

Interval = tuple[float, float]


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def pct_range(interval: Interval) -> str:
    return f"{100 * interval[0]:.1f}–{100 * interval[1]:.1f}%"


def day_range(interval: Interval) -> str:
    return f"{round(interval[0], 1):g}–{round(interval[1], 1):g}"


def points(x: float) -> str:
    """A difference of shares, in percentage points, signed."""
    return f"{100 * x:+.1f}"


def days(x: float) -> str:
    return f"{round(x, 1):+g}"


def span(interval: Interval, shown: Callable[[float], str]) -> str:
    """'a to b' (differences, signed)."""
    return f"{shown(interval[0])} to {shown(interval[1])}"


def across(params: Interval | None, shown: Callable[[Interval], str],
           label: str = "parameters") -> str:
    """The interval across the posterior: 'label a–b', 'label: no spread beyond chance'
    (the draws differ no more than their chance), or '' for a run without one."""
    if params is None:
        return ""
    if params[1] > params[0]:
        return f"{label} {shown(params)}"
    return f"{label}: no spread beyond chance"


def intervals(sampling: Interval, params: Interval | None,
              shown: Callable[[Interval], str] = pct_range) -> str:
    """'sampling a–b; parameters c–d': a figure's two 95% intervals (the second only for
    a run under the posterior)."""
    part = across(params, shown)
    return f"sampling {shown(sampling)}" + (f"; {part}" if part else "")
