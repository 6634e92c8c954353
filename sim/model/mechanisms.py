"""Each mechanism of the model, the article line it comes from, its parameters and its rule.

This table is the source of ``docs/mechanisms.md`` (``python -m sim.model.mechanisms``
writes it); tests check that every quote is in the article, every parameter
path is in the schema and every rule exists and cites its quote, so the
documentation cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mechanism:
    name: str
    quote: str                    # verbatim from the source
    parameters: tuple[str, ...]   # dotted paths into the scenario schema
    rules: tuple[str, ...]        # functions of sim.model.rules
    effect: str
    source: str = "article"       # "article" (shared/article.txt) or "history" (history.md)


MECHANISMS = (
    Mechanism("seven-day truce, then JIC",
              "If the truce had held, the United States and Russia would have then worked "
              "together",
              ("time.duration_days", "mechanisms.jic.start_day",
               "mechanisms.jic.spoiler_suppression", "mechanisms.jic.dispute_resolution",
               "mechanisms.jic.strike_tempo"),
              ("spoiler_activity", "misattribution_probability", "accident_probability"),
              "Truce phase of duration_days; if nobody has declared it over, the JIC starts: "
              "joint strikes suppress spoilers and raise the strike tempo, the joint "
              "commission cuts misattribution."),
    Mechanism("humanitarian access",
              "unhindered humanitarian access to all regions",
              ("mechanisms.humanitarian.convoys_per_day", "mechanisms.humanitarian.obstruction",
               "mechanisms.humanitarian.strike_risk", "mechanisms.humanitarian.grievance",
               "regions.<region>.besieged_by"),
              ("convoy_block_probability", "convoy_strike_probability"),
              "Convoys to besieged regions, blocked by an unrestrained besieger or struck as "
              "its violence rises; both count as violations against the besieged side."),
    Mechanism("no penalties",
              "contained no explicit penalties",
              ("mechanisms.penalties.strength", "mechanisms.penalties.unverified_detection"),
              ("violation_rates", "convoy_block_probability"),
              "Expected cost of a detected violation (strength x detection) holds back the "
              "disciplined units of each party."),
    Mechanism("Russia restrains Assad",
              "depended largely on Russia successfully preventing Assad’s forces from "
              "indiscriminately bombing",
              ("actors.<actor>.leverage", "actors.<actor>.commitment",
               "actors.<actor>.discipline", "mechanisms.patron_pressure.enabled"),
              ("violation_rates",),
              "Patron leverage x commitment lowers the client's violations; a power's own "
              "commitment restrains its own strikes."),
    Mechanism("US separates opposition from Nusra",
              "the US was to persuade the opposition groups it backed to distance themselves "
              "from the Nusra forces",
              ("mechanisms.separation.initial", "mechanisms.separation.rate_per_day",
               "actors.<actor>.intermixed_with", "regions.<region>.marbling",
               "mechanisms.accidents.collateral"),
              ("update_separation", "accident_probability"),
              "Separation progresses with the patron's leverage and commitment; marbling left "
              "over turns spoiler attacks into blame and strikes on Nusra into hits on the "
              "opposition."),
    Mechanism("intelligence sharing",
              "requirement that the United States share intelligence with Russia",
              ("mechanisms.intelligence.level", "mechanisms.intelligence.precision_gain",
               "mechanisms.intelligence.misuse_risk_per_day",
               "mechanisms.intelligence.misuse_grievance"),
              ("misuse_probability", "accident_probability"),
              "Better targeting for the recipient (fewer misidentified strikes) against the "
              "risk that an uncommitted, distrustful recipient misuses it on the provider's "
              "clients."),
    Mechanism("gaps of trust",
              "gaps of trust",
              ("mechanisms.trust.initial", "mechanisms.trust.loss_per_violation",
               "mechanisms.trust.gain_per_day", "mechanisms.trust.opportunism",
               "actors.<actor>.initial_trust"),
              ("trust_in_other_side", "update_trust"),
              "Trust between all tracked pairs, lost in proportion to perceived violations and "
              "regained slowly; distrust raises opportunistic violations."),
    Mechanism("mutual blame",
              "Both sides ardently claim that the other failed",
              ("mechanisms.attribution.verification", "mechanisms.attribution.bias",
               "mechanisms.attribution.ambiguous_per_day"),
              ("misattribution_probability",),
              "Ambiguous incidents and spoiler attacks from marbled areas are blamed on the "
              "other side with self-serving bias where verification leaves doubt."),
    Mechanism("spoilers",
              "united in their opposition of both ISIS and the Nusra front",
              ("mechanisms.spoilers.activity", "mechanisms.spoilers.provocation",
               "actors.<actor>.truce_rate"),
              ("spoiler_activity",),
              "Excluded factions attack throughout; their attacks provoke the party marbled "
              "with them or are blamed on it."),
    Mechanism("precedent of February",
              "In February of 2016, similar agreements failed",
              ("actors.<actor>.initial_trust", "actors.<actor>.tolerance",
               "actors.<actor>.trust_floor"),
              ("declarations",),
              "Initial trust and tolerance come from history; a party declares the truce over "
              "when its tension passes its tolerance or its trust falls below its floor."),
    Mechanism("Russian strikes on Aleppo",
              "launching attacks on Aleppo",
              ("actors.<actor>.truce_rate", "actors.<actor>.commitment"),
              ("violation_rates",),
              "The patron itself can violate: a power's own strikes, restrained only by its "
              "commitment."),
    Mechanism("Pentagon opposition",
              "aversion to sharing information with a military adversary",
              ("mechanisms.intelligence.domestic_opposition",),
              ("misuse_probability",),
              "Domestic resistance cuts what is actually shared and drags on the provider's "
              "commitment."),
    Mechanism("accidents",
              "the US says it misidentified the target",
              ("mechanisms.accidents.rate_per_day", "mechanisms.accidents.severity",
               "actors.<actor>.air_power"),
              ("accident_probability",),
              "Misidentified strikes (history.md: Deir ez-Zor, 17 Sept) hit a party's forces "
              "and weigh heavily on its camp.", source="history"),
    Mechanism("retaliation with forgiveness",
              "strict tit-for-tat retaliation locks into cycles of punishment",
              ("actors.<actor>.retaliation", "mechanisms.retaliation.memory_days"),
              ("update_tension", "violation_rates"),
              "Perceived violations raise tension, which decays (forgiveness) and drives "
              "retaliatory violations (history.md: noisy tit-for-tat).", source="history"),
)


def markdown() -> str:
    """The mechanism table as Markdown (the content of docs/mechanisms.md)."""
    lines = [
        "# Mechanisms",
        "",
        "Generated from `sim/mechanisms.py` by `python -m sim.model.mechanisms`; do not edit by "
        "hand. Quotes are verbatim from the article (`shared/article.txt`) or, where marked, "
        "from the calibration facts (`shared/history.md`); parameters are "
        "documented with units, ranges and defaults in [parameters.md](parameters.md).",
        "",
        "| mechanism | article | parameters | rules (`sim/rules.py`) | what it does |",
        "|---|---|---|---|---|",
    ]
    for m in MECHANISMS:
        params = "<br>".join(f"`{p}`" for p in m.parameters)
        rules = "<br>".join(f"`{r}`" for r in m.rules)
        where = "" if m.source == "article" else " (history.md)"
        lines.append(f"| {m.name} | \"{m.quote}\"{where} | {params} | {rules} | {m.effect} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs"
    (docs / "mechanisms.md").write_text(markdown(), encoding="utf-8")
    from sim.scenario.parameters import parameter_table
    (docs / "parameters.md").write_text(
        "# Scenario parameters\n\nGenerated from the schema (`sim/schema.py`) by "
        "`python -m sim.model.mechanisms`; `python run.py --describe` prints the same table.\n\n"
        + parameter_table() + "\n", encoding="utf-8")
