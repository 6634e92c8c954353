"""The corpus calibration's report (``report/calibration.md`` and its charts): the search,
the out-of-sample scores against the base rate and the regression, truce by truce, what
the corpus narrows, and the reference's 7-day survival before and after.

Reads the search's arrays and the two validations; runs nothing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.calibration.corpus import Search
from sim.calibration.corpus_spec import CorpusCalibration
from sim.calibration.narrowing import (constants_table, effect_threshold, emulator_check,
                                       influence_table, informative_table,
                                       reference_interval)
from sim.present.charts.figures import new_figure
from sim.present.charts.validation import survival_panels
from sim.present.validation import Validation
from sim.present.wording.validation import HOW, scores_markdown, table_markdown


def _pct(x: tuple[float, float, float]) -> str:
    return f"{100 * x[1]:.0f}% ({100 * x[0]:.0f}–{100 * x[2]:.0f})"


def _score(v: Validation, score: str, against: str) -> dict:
    s = v.scores
    return s[(s["score"] == score) & (s["against"] == against)].iloc[0].to_dict()


def in_short(v: Validation, inside: Validation) -> list[str]:
    """The out-of-sample verdict in words, each score with its interval."""
    out = []
    for score, name in (("log_score", "mean log score"),
                        ("brier_first_week", "first-week Brier score"),
                        ("brier_ending", "ending Brier score")):
        for against in ("base_rate", "regression"):
            r = _score(v, score, against)
            out.append(f"- {name}, model minus {against.replace('_', ' ')}: "
                       f"{r['difference']:+.2f} (95% interval {r['low']:+.2f} to "
                       f"{r['high']:+.2f}; {r['better']} is better): {r['verdict']}.")
    r = _score(inside, "log_score", "base_rate")
    out.append(f"- In sample (every truce in the weights), the mean log score is "
               f"{r['model']:.2f} against the base rate's {r['base_rate']:.2f}: the gap "
               "between the two rows is what fitting a truce to itself would add.")
    return out


#: Below this effective sample, a posterior's ranges are the spread of a few particles.
FEW = 30


def degenerate_lines(found: Search, distinct: int) -> list[str]:
    """A warning where the weights rest on a few particles."""
    if found.effective_size() >= FEW:
        return []
    return [f"**The weights rest on a few particles** (an effective sample of "
            f"{found.effective_size():.1f}; the posterior draws are {distinct} distinct "
            "particles): the ranges below are the spread of those particles, not what the "
            "corpus knows, and the narrowing of the constants no truce can act on shows it. "
            "Read them as the search's state, not as estimates.", ""]


def effects_lines(constants, threshold: float, draws: int) -> list[str]:
    """Which constants move the corpus's log-likelihood across the priors' particles."""
    moving = constants[constants["effect"].abs() >= threshold].sort_values(
        "effect", key=np.abs, ascending=False)
    still = constants[(constants["effect"].abs() < threshold) & constants["acts"]]
    return [f"**Effects, measured.** Across the {draws} particles of the first round (the "
            "priors), the rank correlation of each constant with the summed log-likelihood "
            f"of the corpus; four standard errors of zero is {threshold:.2f}. "
            f"{len(moving)} constants reach it: " + (", ".join(
                f"`{r['constant'].removeprefix('behaviour.')}` {r['effect']:+.2f}"
                for _, r in moving.iterrows()) or "none") + f". The other {len(still)} that "
            "can act do not, at this sample (their full table is `constants.csv`, column "
            "`effect`)."]


def narrowing_chart(table, path: Path) -> None:
    rows = table.sort_values("narrowed")
    fig = new_figure(None, (7.5, 0.18 * len(rows) + 1.2), layout="constrained")
    ax = fig.subplots()
    colour = np.where(rows["acts"], "#2c7fb8", "#bbbbbb")
    ax.barh(np.arange(len(rows)), 100 * rows["narrowed"], color=colour)
    ax.set_yticks(np.arange(len(rows)), [c.removeprefix("behaviour.") for c in
                                         rows["constant"]], fontsize=6)
    ax.axvline(0, color="k", lw=0.6)
    ax.set_xlabel("narrowed (%): 1 − posterior 90% range / the prior's")
    ax.set_title("On the prior-quantile scale; grey: no truce can act on it (chance's "
                 "level)", fontsize=8)
    fig.savefig(path, dpi=120)


def write_report(cal: CorpusCalibration, found: Search, v: Validation, inside: Validation,
                 manifest: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    constants = constants_table(cal, found)
    influence = influence_table(found)
    informative = informative_table(found)
    check = emulator_check(found)
    narrowing_chart(constants, folder / "narrowing.png")
    survival_panels(v).savefig(folder / "cross_validation.png", dpi=110)
    v.table.to_csv(folder / "cross_validation.csv", index=False)
    v.scores.to_csv(folder / "scores.csv", index=False)
    constants.to_csv(folder / "constants.csv", index=False)
    chance = constants.loc[~constants["acts"], "narrowed"]
    acting = constants[constants["acts"]].sort_values("narrowed", ascending=False)
    floor = float(chance.max()) if len(chance) else float("nan")
    beyond = acting[acting["narrowed"] > floor] if np.isfinite(floor) else acting
    prior, post = reference_interval(found, prior=True), reference_interval(found)
    best = influence.sort_values("width", ascending=False).iloc[0]
    s = cal.search
    lines = [
        f"# Calibration across the corpus: {len(found.truces)} truces", "",
        f"Calibration file `{cal.path}` (fingerprint `{cal.fingerprint}`); forms "
        f"{', '.join(f'`{k}: {v}`' for k, v in cal.forms.items()) or 'none'}. "
        f"{len(cal.priors)} constants with priors from their meaning, {len(cal.fixed)} "
        f"fixed, {len(cal.inert)} that no truce can act on. {s.rounds} round(s) of "
        f"{s.particles} particles (adaptive multiple importance sampling, weighed by an "
        "emulator of each truce's chance fitted across the particles"
        + (f"; {s.steered} of a later round's {s.centres} kernels centred on the particles "
           "whose durations came nearest to every truce's, which moves where particles are "
           "drawn, not what they weigh" if s.steered and s.rounds > 1 else "") + "), "
        f"{s.replications} replications a particle and truce, each particle on random "
        f"numbers of its own: {len(found.z)} particles (the time taken is in the "
        f"manifest, `posterior.json`). Effective sample: "
        f"{found.effective_size():.1f} of {len(found.z)}; the {s.draws} posterior draws are "
        f"{manifest['search']['distinct_particles_drawn']} distinct particles.", "",
        "## Out of sample: leave one truce out", "",
        "Truce k's predictive comes from the particles weighted by every other truce (a "
        "refit by reweighting, since the likelihood is a product over truces; the later "
        "rounds' proposals were fitted with every truce, so a fold's sample is thinner "
        "away from where truce k agreed: its effective particles are below). The "
        "yardsticks are fitted without it too. The rank correlation is not scored out of "
        "sample: each truce ran only until its own outcome was known, so a median beyond "
        "that would be read from the outcome (`run.py validate` scores it).", "",
        *in_short(v, inside), "",
        *scores_markdown(v), "", *table_markdown(v), "",
        "Effective particles behind each truce's prediction (and the largest weight's "
        "share): " + ", ".join(f"{r['truce']} {r['effective_particles']:.1f} "
                               f"({100 * r['largest_weight']:.0f}%)"
                               for _, r in v.table.iterrows()) + ".", "", "![cross-validation](cross_validation.png)", "",
        "## What each truce tells", "",
        "Across the priors' particles (the first round): the spread of the log chance of "
        "each truce's outcome, and the share of particles that reproduce it (within the "
        "spread of log duration) at least as often as the smoothing's floor gives it; a "
        "truce no particle reproduces sits at the floor for all and weighs nothing.", "",
        "The emulator's out-of-fold correlation with the particles' own chances (all "
        "rounds; a share of few replications is noisy, so even a perfect emulator stays "
        "below 1) and its ridge penalty say how much of each truce it has learnt.", "",
        "| truce | sd of log chance | reproduced by | emulator r | penalty |",
        "|---|---|---|---|---|",
        *[f"| {r['truce']} | {r['sd_log_chance']:.2f} | {100 * r['reproduced_by']:.0f}% | "
          f"{r['emulator_r']:.2f} | {r['emulator_penalty']:g} |"
          for _, r in informative.iterrows()], "",
        f"Over the last round's particles, the emulated summed log-likelihood correlates "
        f"{check[0]:.2f} with the particles' own, and the emulated chance of a truce's "
        f"outcome exceeds the particles' own share by {check[1]:+.3f} on average (each "
        "share is unbiased for the chance; above 0, the emulator flatters where it sends "
        "the search).", "",
        "## What the corpus narrows", "",
        *degenerate_lines(found, manifest["search"]["distinct_particles_drawn"]),
        f"The constants no truce can act on narrow by up to {100 * floor:.0f}%: that much "
        f"comes from chance and a finite sample. {len(beyond)} of "
        f"{int(constants['acts'].sum())} constants that can act narrow by more: "
        + (", ".join(f"`{r['constant'].removeprefix('behaviour.')}` "
                     f"{100 * r['narrowed']:.0f}% (median {r['median']:.3g}, 90% "
                     f"{r['low']:.3g}–{r['high']:.3g})" for _, r in beyond.head(12).iterrows())
           or "none") + ".", "", "![narrowing](narrowing.png)", "",
        *effects_lines(constants, effect_threshold(found), found.sizes[0]), "",
        "## The reference's 7-day survival, before and after", "",
        f"Across the prior's particles (first round): {_pct(prior)}; across the posterior: "
        f"{_pct(post)} (median and 95% range of the particles' survival, each from "
        f"{s.replications} replications, so each carries its own sampling noise too). "
        f"The truce whose absence widens it most is {best['truce']} (without it "
        f"{100 * best['reference_low']:.0f}–{100 * best['reference_high']:.0f}%): a further "
        "truce like it would narrow the answer most.", "",
        "| truce left out | effective particles | reference, 7-day survival |", "|---|---|---|",
        *[f"| {r['truce']} | {r['effective_particles']:.1f} | "
          f"{100 * r['reference_median']:.0f}% ({100 * r['reference_low']:.0f}–"
          f"{100 * r['reference_high']:.0f}) |" for _, r in influence.iterrows()], "",
        *HOW]
    path = folder / "calibration.md"
    path.write_text("\n".join(lines) + "\n")
    return path
