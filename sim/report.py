"""Words for a summary: the terminal report and ``summary.md``."""

from __future__ import annotations

from pathlib import Path

from sim.analysis import Summary


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def summary_lines(s: Summary) -> list[str]:
    """The summary as plain text lines (terminal and Markdown share them)."""
    lo, hi = s.p_survive_ci
    jlo, jhi = s.p_jic_ci
    lines = [
        f"Truce survives its {s.duration_days:g} days: {_pct(s.p_survive)} "
        f"(95% CI {_pct(lo)}–{_pct(hi)}, {s.replications} replications)",
        f"JIC activated: {_pct(s.p_jic)} (95% CI {_pct(jlo)}–{_pct(jhi)})",
        f"Collapsed within {s.horizon_days:g} days: {_pct(s.p_collapse_by_horizon)}",
    ]
    if s.collapse_day_quartiles:
        q1, med, q3 = s.collapse_day_quartiles
        lines.append(f"Collapse day (of those that collapsed): median {med:.1f}, "
                     f"quartiles {q1:.1f}–{q3:.1f}")
    if s.declared_by:
        lines.append("Declared over by: " + ", ".join(
            f"{a} {_pct(v)}" for a, v in s.declared_by.items()))
    if s.triggers:
        lines.append("Triggers: " + ", ".join(f"{t} {_pct(v)}" for t, v in s.triggers.items()))
    lines.append("Violations during the truce (mean per replication):")
    for party, v in s.violations.items():
        lines.append(f"  {party:<16} true {v['true']:6.1f}   reported by the other side "
                     f"{v['reported_by_other_side']:6.1f}   admitted {v['self_reported']:6.1f}")
    c = s.convoys
    lines.append(f"Civilian harm (expected casualties, whole run): {s.civilian_harm:.1f}")
    lines.append(f"Aid delivered to besieged regions: {s.aid_trucks:.0f} trucks per run; "
                 f"convoys delivered {_pct(c['delivered'])}, blocked {_pct(c['blocked'])}, "
                 f"struck {_pct(c['struck'])}" if c["delivered"] == c["delivered"] else
                 "Aid: no convoys were sent")
    return lines


def write_markdown(s: Summary, charts: dict[str, Path], tables: list[Path], folder: Path,
                   command: str) -> Path:
    """``summary.md``: the numbers in words, links to the charts and tables."""
    out = [f"# {s.scenario}", "", f"Command: `{command}`", "", "## Summary", ""]
    out += [f"- {line.strip()}" if not line.startswith("  ") else f"  - {line.strip()}"
            for line in summary_lines(s)]
    out += ["", "## Charts", ""]
    for title, path in charts.items():
        out += [f"### {title}", "", f"![{title}]({path.name})", ""]
    out += ["## Tables", ""]
    out += [f"- [{p.name}]({p.name})" for p in tables]
    path = folder / "summary.md"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path
