"""The calibration's report: which patterns fit, how far the data pinned each constant down,
what cannot be told apart, and the predictive checks (``report/calibration.md`` and charts).

Reads plain arrays (the posterior, the predictive statistics); runs nothing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.calibration.ranks import rank_correlation
from sim.calibration.spec import Calibration
from sim.present.charts.calibration import (constants_chart, correlation_chart, pattern_chart,
                                            short)
from sim.run.posterior import Posterior

#: Pairs of constants whose posterior rank correlation exceeds this are reported as traded
#: off against each other (the data fix a combination, not each one).
STRONG_CORRELATION = 0.3


def _interval(x: np.ndarray, level: float = 0.9) -> tuple[float, float]:
    x = x[~np.isnan(x)]
    if not len(x):
        return (float("nan"), float("nan"))
    a = (1 - level) / 2
    return float(np.quantile(x, a)), float(np.quantile(x, 1 - a))


def pattern_rows(cal: Calibration, checks: dict[str, np.ndarray]) -> list[dict]:
    """Each pattern under the posterior and the prior: median, 90% interval, share of draws
    within tolerance, and whether it fits (the posterior median within tolerance)."""
    rows = []
    for k, p in enumerate(cal.patterns):
        post, prior = checks["posterior"][:, k], checks["prior"][:, k]
        median = float(np.nanmedian(post))
        rows.append({"pattern": p, "median": median, "interval": _interval(post),
                     "within": float(np.mean(np.abs(post - p.target) <= p.tolerance)),
                     "prior_within": float(np.mean(np.abs(prior - p.target) <= p.tolerance)),
                     "fits": p.fits(median)})
    return rows


def constant_rows(cal: Calibration, posterior: Posterior) -> list[dict]:
    """Each constant: prior range, posterior median and 90% interval, and how much of the
    prior's width the data ruled out."""
    rows = []
    for p in cal.priors:
        x = posterior.values[:, posterior.paths.index(p.path)]
        lo, hi = _interval(x)
        rows.append({"prior": p, "median": float(np.median(x)), "interval": (lo, hi),
                     "narrowed": 1 - (hi - lo) / (0.9 * (p.high - p.low))})
    rows.sort(key=lambda r: -r["narrowed"])
    return rows


def correlated_pairs(posterior: Posterior, rho: np.ndarray) -> list[tuple[str, str, float]]:
    """Pairs of constants whose posterior rank correlation ``rho`` is strong, strongest
    first."""
    pairs = [(posterior.paths[i], posterior.paths[j], float(rho[i, j]))
             for i in range(len(rho)) for j in range(i + 1, len(rho))]
    pairs = [p for p in pairs if abs(p[2]) >= STRONG_CORRELATION]
    return sorted(pairs, key=lambda p: -abs(p[2]))


def write_report(cal: Calibration, posterior: Posterior, checks: dict[str, np.ndarray],
                 manifest: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    patterns = pattern_rows(cal, checks)
    constants = constant_rows(cal, posterior)
    rho = rank_correlation(posterior.values, posterior.values)
    pairs = correlated_pairs(posterior, rho)
    pattern_chart(cal, checks, folder / "patterns.png")
    constants_chart(constants, folder / "constants.png")
    correlation_chart(posterior, rho, folder / "correlations.png")

    fit = [r for r in patterns if r["fits"]]
    miss = [r for r in patterns if not r["fits"]]
    search = manifest.get("search", {})
    searched = {r["constant"] for r in search.get("screening", []) if r["active"]} \
        or {p.path for p in cal.priors}
    ran = len(search.get("generations", [])) or cal.search.generations
    floor = max((r["narrowed"] for r in constants if r["prior"].path not in searched),
                default=None)
    lines = [
        "# Calibration: the behavioural constants against two Syrian truces of 2016", "",
        f"Calibration file `{cal.path}` (the posterior made at fingerprint `{manifest.get("fingerprint", cal.fingerprint)}`); "
        f"{len(searched)} constants estimated jointly by approximate Bayesian computation "
        f"(pyabc; {ran} generation"
        f"{'s, ABC-SMC' if ran > 1 else ': rejection ABC'}) and "
        f"{len(cal.priors) - len(searched)} drawn from their priors, against "
        f"{len(cal.patterns)} patterns of {', '.join(cal.scenarios)} "
        f"({', '.join(f'{n} {k}' for k, n in cal.replications.items())} replications a "
        f"particle); {len(cal.fixed)} held fixed. "
        f"{search.get('simulations', '?')} particles simulated in "
        f"{manifest.get('seconds', '?')} s on {manifest.get('workers', '?')} workers; "
        f"{posterior.size} equally weighted draws in `posterior.csv`.", "",
        f"**{len(fit)} of {len(patterns)} patterns fit** (posterior predictive median within "
        "tolerance)" + (": not " + ", ".join(f"`{r['pattern'].name}`" for r in miss)
                        if miss else "") + ".", "",
        "## Patterns: posterior predictive checks", "",
        "Each posterior draw run again, each on random numbers of its own, at the "
        "calibration's replications; as many draws from the prior likewise, for contrast. "
        "*Within*: share of draws "
        "whose statistic lies within tolerance of the target. Charts: `patterns.png`.", "",
        "| pattern | history says | target ± tolerance | posterior median (90%) | within "
        "| prior within | fits | source |", "|---|---|---|---|---|---|---|---|"]
    for r in patterns:
        p = r["pattern"]
        lo, hi = r["interval"]
        lines.append(f"| `{p.name}` | {p.says} | {p.target:g} ± {p.tolerance:g} | "
                     f"{r['median']:.3g} ({lo:.3g}–{hi:.3g}) | {r['within']:.0%} | "
                     f"{r['prior_within']:.0%} | {'yes' if r['fits'] else '**no**'} | "
                     f"{p.source} |")
    default_why = cal.default_why
    lines += ["", "## Constants: prior and posterior", "",
              "*Narrowed*: the share of the prior's 90% width the data ruled out (0: the "
              "data say nothing of it; its uncertainty is carried into every answer all the "
              "same). Sorted by it. Chart: `constants.png`." + (
                  f" Constants drawn from their priors narrow by up to {floor:.0%} by the "
                  f"chance of {posterior.size} draws alone: a searched constant narrowed by "
                  "no more than that is not pinned down by the data." if floor is not None
                  else ""), "",
              "| constant | searched | prior (uniform) | posterior median (90%) | narrowed | "
              "why this prior |", "|---|---|---|---|---|---|"]
    for r in constants:
        p = r["prior"]
        lo, hi = r["interval"]
        lines.append(f"| `{short(p.path)}` | {'yes' if p.path in searched else 'no: prior'} "
                     f"| {p.low:.3g}–{p.high:.3g} (default "
                     f"{p.default:g}) | {r['median']:.3g} ({lo:.3g}–{hi:.3g}) | "
                     f"{r['narrowed']:.0%} | "
                     f"{'the default rule (below)' if p.why == default_why else p.why} |")
    lines += ["", "Held fixed: " + "; ".join(f"`{short(k)}`: {v}"
                                               for k, v in cal.fixed.items()), "",
              f"The default rule, for every constant without a prior of its own: {default_why}",
              "",
              "## What the data cannot tell apart", "",
              f"Pairs of constants whose posterior rank correlation is at least "
              f"{STRONG_CORRELATION}: the patterns fix a combination of them, not each one. "
              "Chart: `correlations.png`.", ""]
    lines += [f"- `{short(a)}` and `{short(b)}`: {corr:+.2f}" for a, b, corr in pairs[:15]] \
        or ["- none: no two constants trade off strongly."]
    screening = search.get("screening", [])
    if screening:
        lines += ["", "## Screening: which constants the patterns respond to", "",
                  f"Before the search, {cal.search.screening.particles} draws from the prior "
                  "were run; a constant is searched if its rank correlation with some "
                  f"pattern's statistic reaches {cal.search.screening.threshold:g} "
                  f"({len(searched)} of {len(screening)}). The others are drawn from their "
                  "priors in every simulation of the search and in the posterior sample: "
                  "the two truces say little of them, so their uncertainty is carried "
                  "whole into every answer.", "",
                  "| constant | largest rank correlation | with pattern | searched |",
                  "|---|---|---|---|"]
        lines += [f"| `{short(r['constant'])}` | {r['rho']:+.2f} | `{r['pattern']}` | "
                  f"{'yes' if r['active'] else 'no: prior'} |"
                  for r in sorted(screening, key=lambda r: -abs(r["rho"]))]
    lines += ["", "## The search", "",
              "| generation | epsilon | particles simulated | acceptance |", "|---|---|---|---|"]
    lines += [f"| {g['generation']} | {g['epsilon']:.3g} | {g['simulations']} | "
              f"{g['acceptance']:.1%} |" for g in search.get("generations", [])]
    ess = search.get("effective_sample_size")
    lines += ["", f"Effective sample size of the last generation: {ess:.0f} of "
              f"{search.get('population', '?')} particles." if ess else "", ""]
    path = folder / "calibration.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
