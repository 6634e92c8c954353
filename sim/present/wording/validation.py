"""The validation's words: where the model beats the base rate and where it does not
(printed, ``Validation.summary()``), and ``summary.md``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.analysis.predictive import SMOOTHING
from sim.analysis.scoring import LONG_DAYS, TIE

if TYPE_CHECKING:
    from sim.present.validation import Validation

NAMES = {"log_score": "log score of the observed outcome",
         "brier_first_week": "Brier score of first-week survival",
         "brier_ending": "Brier score of the ending (declared / eroded / held)",
         "spearman": "rank correlation of predicted median and observed duration"}
SHORT = {"log_score": "log score", "brier_first_week": "first-week Brier",
         "brier_ending": "ending Brier", "spearman": "rank correlation"}


def _num(x: float, digits: int = 2) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:.{digits}f}"


def _diff(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{(0.0 if abs(x) < TIE else x):+.2f}"


def _p(p: float) -> str:
    """A chance: three decimals, or two significant digits below 0.001."""
    return f"{p:.3f}" if p >= 0.001 or p == 0 else f"{p:.1e}"


def _interval(row) -> str:
    if not np.isfinite(row["low"]):
        return "no interval"
    return f"95% bootstrap interval over truces {_diff(row['low'])} to {_diff(row['high'])}"


def _verdict(row) -> str:
    other = row["against"].replace("_", " ")
    return {"model better": f"the model beats the {other}",
            f"{row['against']} better": f"the {other} beats the model"}.get(
        row["verdict"], "no difference beyond chance over these truces")


def score_sentence(row) -> str:
    """One score against the base rate: every predictor's value, the model's difference
    with its interval and the verdict, in words."""
    note = " (the leave-one-out base rate's is negative by construction: leaving a short " \
        "truce out lengthens the others' curve)" if row["score"] == "spearman" else ""
    return (f"{NAMES[row['score']].capitalize()} ({row['better']} is better): model "
            f"{_num(row['model'])}, base rate {_num(row['base_rate'])}, regression "
            f"{_num(row['regression'])}; model minus base rate {_diff(row['difference'])} "
            f"({_interval(row)}): {_verdict(row)}{note}.")


def regression_sentence(rows) -> str:
    """The model against the regression, every score in one line."""
    parts = [f"{SHORT[r['score']]} {_diff(r['difference'])} ({_diff(r['low'])} to "
             f"{_diff(r['high'])}: {_verdict(r)})" for _, r in rows.iterrows()]
    return "Against the regression, model minus regression: " + "; ".join(parts) + "."


def in_short(v: Validation) -> list[str]:
    """The summary in words: every score, then truce by truce, then short against long."""
    t, n = v.table, len(v.table)
    lines = [f"{n} truce{'s' if n != 1 else ''}, {v.replications} replications each, seed "
             f"{v.seed}; every predictor smoothed alike ({1 - SMOOTHING:g} x predictor + "
             f"{SMOOTHING:g} x log-uniform)."]
    base = v.scores[v.scores["against"] == "base_rate"]
    lines += [f"- {score_sentence(row)}" for _, row in base.iterrows()]
    lines.append(f"- {regression_sentence(v.scores[v.scores['against'] == 'regression'])}")
    diff = t["log_score_model_minus_base_rate"]
    wins, losses = t.loc[diff > TIE, "truce"].tolist(), t.loc[diff < -TIE, "truce"].tolist()
    ties = n - len(wins) - len(losses)
    lines.append(f"- Truce by truce (log score): the model beats the base rate on "
                 f"{len(wins)} of {n}" + (f" ({', '.join(wins)})" if wins else "") +
                 (f" and loses on {len(losses)} ({', '.join(losses)})" if losses
                  else " and loses on none") +
                 (f"; {ties} equal (both give the observed days no chance of their own: "
                  "the smoothing's floor)." if ties else "."))
    for _, g in v.lengths.iterrows():
        if g["truces"]:
            lines.append(f"- Truces that lasted {g['group']}: {g['truces']}, mean log-score "
                         f"difference {_diff(g['log_score_difference'])} (model ahead on "
                         f"{g['wins']}).")
    beyond = t[t["observed_duration"] > t["horizon_days"]]
    if len(beyond):
        lines.append(f"- {len(beyond)} truce{'s' if len(beyond) != 1 else ''} lasted beyond "
                     "the model's horizon: there the model's chance of the observed day is "
                     "its share still holding at the horizon, spread log-uniformly: not a "
                     "prediction of when.")
    return lines


def table_markdown(v: Validation) -> list[str]:
    """Truce by truce: what happened, each predictor's chance of it and log score."""
    out = ["Days are whole days after the start (an outcome's time t in day floor(t + ½)); "
           "P(obs) is the smoothed chance that is scored.", "",
           "| truce | observed | model P(obs) | base rate P(obs) | regression P(obs) | "
           "model P(holds 7 days) | log score, model − base rate |", "|---|---|---|---|---|---|---|"]
    for _, r in v.table.iterrows():
        seen = (f"{r['observed']}, day {int(r['day_lo'])}" + (
            f"–{int(r['day_hi'])}" if r["day_hi"] != r["day_lo"] else "")
            if r["observed"] in ("declared", "eroded")
            else f"{r['observed']}, standing on day {int(r['censored_day'])}")
        out.append(f"| {r['truce']} | {seen} | {_p(r['model_p_obs'])} | "
                   f"{_p(r['base_rate_p_obs'])} | {_p(r['regression_p_obs'])} | "
                   f"{r['model_survival_7']:.2f} | {_diff(r['log_score_model_minus_base_rate'])} |")
    return out


def scores_markdown(v: Validation) -> list[str]:
    out = ["| score | better | model | base rate | regression | model minus | difference | "
           "95% interval | verdict |", "|---|---|---|---|---|---|---|---|---|"]
    for _, r in v.scores.iterrows():
        out.append(f"| {SHORT[r['score']]} | {r['better']} | {_num(r['model'], 3)} | "
                   f"{_num(r['base_rate'], 3)} | {_num(r['regression'], 3)} | "
                   f"{r['against'].replace('_', ' ')} | {_diff(r['difference'])} | "
                   f"{_diff(r['low'])} to {_diff(r['high'])} | "
                   f"{r['verdict'].replace('_', ' ')} |")
    return out


HOW = [
    "## How the scores are made", "",
    "Every predictor (the model, the base rate, the regression) is scored as the same "
    f"mixture: {1 - SMOOTHING:g} x its own predictive + {SMOOTHING:g} x a log-uniform "
    "distribution of the collapse time over [1 hour, 100 years] (endings halved), so no "
    "outcome has chance 0 and no predictor is favoured. A day d of an outcome file is the "
    "times [d − ½, d + ½); a collapse on days lo..hi scores log P(lo ≤ day ≤ hi); a truce "
    "still standing on day c (holding, superseded, expired) scores log P(no collapse by "
    "day c). The model's replications still holding at its horizon are spread over the "
    "days after it in the log-uniform's shape. First-week Brier: (P(no collapse by day 7) "
    "− first_week.held)². Ending Brier: the three classes declared / eroded / held at the "
    "day t* by which the observed class is certain within the model's horizon "
    "(`scoring_day`, `scoring_class` in validation.csv). Rank correlation: Spearman's, of "
    "the predicted median day and the observed duration (interval midpoint; a censored "
    "truce at its censoring day). The base rate is the Kaplan–Meier curve of the other "
    "truces (Aalen–Johansen for the ending), the regression a penalised Weibull AFT on the "
    "deal's coded features (third-party monitoring, a guarantor power, peacekeepers or a "
    "buffer zone, a joint commission), both fitted leave-one-out. The base rate is the "
    "empirical distribution of the other truces: it gives chance only to the days on which "
    "one of them ended, so an outcome on another day scores at the smoothing's floor; the "
    "regression is its smooth counterpart. Intervals: percentile bootstrap over truces "
    "(2000 resamples, fixed seed).", "",
    "Every number can be recomputed from the tables: a log score is log of its `p_obs`, a "
    "Brier score follows from `survival_7` and `first_week_held`, or from `p_declared`, "
    "`p_eroded`, `p_held` and `scoring_class`; the means are in scores.csv; the model's "
    "`p_obs_raw` is the share of its replications in predictions.csv on the observed days "
    "(`sim.present.validation.model_predictive` rebuilds its whole predictive from them).",
    ""]


def summary_lines(v: Validation, command: str, constants: str, corpus: str) -> list[str]:
    """``summary.md``'s text (charts and tables are appended by ``write_summary``)."""
    out = [f"# Validation against {corpus}: the model against the base rate", "",
           f"Command: `{command}`", "", f"Behavioural constants: {constants}.", "",
           "## In short", "", *in_short(v), ""]
    if v.skipped:
        out += ["Not scored (incomplete): " + ", ".join(f"{Path(p).name} ({why})"
                                                        for p, why in v.skipped) + ".", ""]
    out += ["## Scores", "", *scores_markdown(v), "",
            f"Short and long truces (split at {LONG_DAYS} days observed) are compared "
            "above on the log score.", "", "## Truce by truce", "", *table_markdown(v), "",
            *HOW]
    return out
