"""The scenario schema: every parameter once, with its unit, range and default.

This module is the single home of defaults (STYLE.md rule 1). The CLI, the
charts and the notebooks read them from here; nothing else repeats them.

Rates in scenario files are per day; the model converts them once to
per-step probabilities (see ``CompiledScenario``).  Each mechanism block has
an ``enabled`` switch so a scenario can turn any mechanism off without
changing the random numbers the model draws (common random numbers).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


def param(default: Any, unit: str, doc: str, *, ge: float | None = None,
          le: float | None = None, gt: float | None = None) -> Any:
    """A documented scenario parameter: default, unit, range and meaning."""
    return Field(default, description=doc, ge=ge, le=le, gt=gt,
                 json_schema_extra={"unit": unit})


Share = Annotated[float, Field(ge=0.0, le=1.0)]


class Strict(BaseModel):
    """Base for every block: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


# --------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------

class Time(Strict):
    step_hours: float = param(1.0, "hours", "Length of one model step; must divide 24.", gt=0, le=24)
    duration_days: float = param(
        7.0, "days", "Length of the truce phase: the truce 'survives' if nobody has declared it "
        "over by its end. Article: 'a seven day ceasefire'.", gt=0, le=365)
    horizon_days: float = param(
        14.0, "days", "How long each replication runs, so the JIC phase and late collapses show.",
        gt=0, le=365)

    @field_validator("step_hours")
    @classmethod
    def _divides_a_day(cls, hours: float) -> float:
        if abs(24.0 / hours - round(24.0 / hours)) > 1e-9:
            raise ValueError(f"must divide 24 (got {hours})")
        return hours

    @model_validator(mode="after")
    def _whole_steps(self) -> Time:
        steps_per_day = 24.0 / self.step_hours
        problems = [(name, f"must be a whole number of {self.step_hours:g}-hour steps "
                           f"(got {days} days)")
                    for name, days in (("duration_days", self.duration_days),
                                       ("horizon_days", self.horizon_days))
                    if abs(days * steps_per_day - round(days * steps_per_day)) > 1e-6]
        if self.horizon_days < self.duration_days:
            problems.append(("horizon_days", f"must be at least duration_days "
                                             f"({self.duration_days}), got {self.horizon_days}"))
        if problems:
            raise FieldProblems(problems)
        return self


# --------------------------------------------------------------------------
# Actors and regions
# --------------------------------------------------------------------------

class Actor(Strict):
    kind: Literal["faction", "power"] = Field(
        description="'faction': an armed group on the ground; 'power': an external power.")
    party: bool = Field(
        description="Party to the truce (faction) or guarantor (power). Factions that are not "
        "parties are excluded from it, legitimate targets and potential spoilers.")
    patron: str | None = Field(
        None, description="Name of the power that backs this faction (its camp), or none.")
    intermixed_with: str | None = Field(
        None, description="Name of an excluded faction whose fighters are intermixed "
        "('marbled') with this one; the patron is to separate them. Article: 'the US was to "
        "persuade the opposition groups it backed to distance themselves from the Nusra forces'.")
    strength: float = param(0.5, "share", "Military weight: scales the harm its attacks do.",
                            ge=0, le=1)
    discipline: float = param(
        0.8, "share", "Share of its units that follow the leadership's restraint; the rest act "
        "at their opportunistic rate whatever the patron or penalties say.", ge=0, le=1)
    war_rate: float = param(
        0.0, "attacks/day", "Hostile acts per day once the truce has collapsed (the war "
        "level before it, too, on the violence chart).", ge=0, le=500)
    truce_rate: float = param(
        0.0, "attacks/day", "Opportunistic violations per day under the truce before restraint, "
        "deterrence and trust act (military opportunity); for an excluded faction, its attack "
        "rate during the truce.", ge=0, le=500)
    retaliation: float = param(
        0.0, "attacks/day per unit tension", "Extra violations per day for each unit of tension "
        "(recently perceived violations against its camp).", ge=0, le=100)
    air_power: float = param(
        0.0, "share", "Exposure to misidentified strikes: 1 for an air force striking daily.",
        ge=0, le=1)
    leverage: float = param(
        0.0, "share", "(Power) ability to restrain its clients. Article: 'depended largely on "
        "Russia successfully preventing Assad's forces from indiscriminately bombing'.", ge=0, le=1)
    commitment: float = param(
        0.0, "share", "(Power) willingness to use its leverage and to restrain its own forces. "
        "Article: 'Russia proved unwilling to maintain the ceasefire'.", ge=0, le=1)
    tolerance: float | None = param(
        None, "tension units", "A party declares the truce over when its tension (decayed count "
        "of perceived violations) reaches this; null: never on tension.", ge=0.1, le=1000)
    trust_floor: float = param(
        0.0, "share", "A party declares the truce over when its mean trust in the other side's "
        "parties falls to this or below; 0: never on trust.", ge=0, le=1)
    initial_trust: dict[str, Share] = Field(
        default_factory=dict, description="Initial trust in named actors, 0..1; unnamed actors "
        "get mechanisms.trust.initial. Article: 'gaps of trust ... deep-seated mistrust'.")


class Region(Strict):
    neighbours: list[str] = Field(
        default_factory=list, description="Adjacent regions: fighting spills over front lines.")
    civilians: float = param(0.0, "thousands of people", "Civilian population exposed.", ge=0,
                             le=50_000)
    besieged_by: str | None = Field(
        None, description="Name of the faction besieging this region, if any: aid convoys "
        "must pass it. Article: 'unhindered humanitarian access to all regions'.")
    presence: dict[str, Share] = Field(
        default_factory=dict, description="Each actor's military presence, 0..1 (powers: "
        "their air operations over it).")
    marbling: float = param(
        0.0, "share", "How intermixed party and excluded fighters are here; what separation "
        "has not undone turns attacks and strikes into mutual blame.", ge=0, le=1)


# --------------------------------------------------------------------------
# Mechanisms (DESIGN.md's table, one block each)
# --------------------------------------------------------------------------

class Mechanism(Strict):
    enabled: bool = Field(True, description="Switch the mechanism on or off.")


class JIC(Mechanism):
    start_day: float | None = param(
        None, "days", "When the Joint Implementation Center starts; null: only if the truce "
        "survives duration_days. Article: 'If the truce had held, the United States and Russia "
        "would have then worked together'.", ge=0, le=365)
    spoiler_suppression: float = param(
        0.5, "share", "Fraction by which joint strikes cut excluded factions' attack rate.",
        ge=0, le=1)
    dispute_resolution: float = param(
        0.5, "share", "Fraction by which the joint commission cuts misattribution (Fortna 2003: "
        "joint commissions lower the hazard).", ge=0, le=1)
    strike_tempo: float = param(
        0.5, "share", "Extra air strikes on excluded factions while the JIC works, as a share "
        "of the usual tempo; raises misidentified strikes where marbling is left.", ge=0, le=5)


class Humanitarian(Mechanism):
    convoys_per_day: float = param(
        1.0, "convoys/day", "Convoys sent to each besieged region per day.", ge=0, le=24)
    trucks_per_convoy: float = param(20.0, "trucks", "Aid carried by one convoy.", ge=0, le=1000)
    obstruction: float = param(
        0.5, "probability", "Chance the besieger blocks a convoy when unrestrained (checkpoints, "
        "disputed roads).", ge=0, le=1)
    strike_risk: float = param(
        0.05, "probability", "Chance a convoy is struck when the besieger fights at its war "
        "rate; scales with its current violence.", ge=0, le=1)
    grievance: float = param(
        1.0, "tension units", "Tension a blocked or struck convoy adds to the besieged side.",
        ge=0, le=100)


class Penalties(Mechanism):
    strength: float = param(
        0.0, "cost per detected violation, in units of its gain", "Expected cost of a detected "
        "violation. Article: 'contained no explicit penalties'.", ge=0, le=100)
    unverified_detection: float = param(
        0.5, "probability", "Chance a violation is pinned on its author without verification; "
        "verification raises it towards 1.", ge=0, le=1)


class PatronPressure(Mechanism):
    """Leverage × commitment of each patron lowers its client's violations."""


class Separation(Mechanism):
    initial: float = param(0.0, "share", "Share of marbling undone at the start.", ge=0, le=1)
    rate_per_day: float = param(
        0.05, "share/day", "Progress per day at full patron leverage and commitment.",
        ge=0, le=1)


class Intelligence(Mechanism):
    provider: str | None = Field(None, description="Power that shares intelligence.")
    recipient: str | None = Field(None, description="Power that receives it.")
    level: float = param(
        1.0, "share", "How much is shared. Article: 'requirement that the United States share "
        "intelligence with Russia'.", ge=0, le=1)
    precision_gain: float = param(
        0.5, "share", "Fraction by which shared intelligence cuts the recipient's misidentified "
        "strikes.", ge=0, le=1)
    misuse_risk_per_day: float = param(
        0.3, "events/day", "Rate at which an uncommitted recipient turns shared intelligence on "
        "the provider's clients.", ge=0, le=24)
    domestic_opposition: float = param(
        0.0, "share", "Provider's domestic resistance, cutting what is actually shared and "
        "the provider's commitment to the deal (DESIGN: 'a domestic constraint on US "
        "intelligence sharing and commitment'). Article: 'aversion to sharing information with "
        "a military adversary'.", ge=0, le=1)
    misuse_grievance: float = param(
        3.0, "tension units", "Tension a misuse adds to the provider's camp.", ge=0, le=100)


class Trust(Mechanism):
    initial: float = param(0.5, "share", "Initial trust where an actor names none.", ge=0, le=1)
    loss_per_violation: float = param(
        0.05, "share", "Fraction of trust lost per perceived violation (weighted by severity).",
        ge=0, le=1)
    gain_per_day: float = param(
        0.02, "share/day", "Fraction of the gap to full trust recovered per day. Trust is lost "
        "faster than gained: 'gaps of trust'.", ge=0, le=1)
    opportunism: float = param(
        1.0, "multiplier", "How much distrust of the other side raises a party's violation "
        "rate: rate × (1 + opportunism × (1 − trust)).", ge=0, le=20)


class Attribution(Mechanism):
    verification: float = param(
        0.0, "share", "Quality of monitoring: cuts misattribution and raises the detection that "
        "penalties rely on (Mattes and Savun 2010).", ge=0, le=1)
    bias: float = param(
        0.5, "share", "Self-serving bias: share of ambiguous incidents blamed on the other side "
        "and of own violations left unreported. Article: 'Both sides ardently claim that the "
        "other failed'.", ge=0, le=1)
    ambiguous_per_day: float = param(
        2.0, "incidents/day", "Incidents of unclear origin each party sees per day.", ge=0,
        le=500)


class Spoilers(Mechanism):
    activity: float = param(
        1.0, "multiplier", "Scales every excluded faction's attack rate.", ge=0, le=20)
    provocation: float = param(
        0.5, "tension units", "Tension an attack from a marbled area adds against the party "
        "intermixed there, when it is not simply blamed on it.", ge=0, le=100)


class Accidents(Mechanism):
    rate_per_day: float = param(
        0.05, "strikes/day per unit air power", "Misidentified strikes on a party's forces or "
        "civilians (Deir ez-Zor, 17 Sept 2016).", ge=0, le=24)
    severity: float = param(
        5.0, "tension units", "Tension one misidentified strike adds to the victim's camp.",
        ge=0, le=100)
    collateral: float = param(
        1.0, "multiplier", "Extra misidentified strikes per unit of marbling left in the "
        "striker's area of operations.", ge=0, le=20)


class Retaliation(Mechanism):
    memory_days: float = param(
        1.0, "days", "Half-life of tension: forgiveness (noisy tit-for-tat needs it).", gt=0,
        le=365)


class Declaration(Mechanism):
    """Parties declare the truce over when tolerance or trust run out."""


class Mechanisms(Strict):
    jic: JIC = JIC()
    humanitarian: Humanitarian = Humanitarian()
    penalties: Penalties = Penalties()
    patron_pressure: PatronPressure = PatronPressure()
    separation: Separation = Separation()
    intelligence: Intelligence = Intelligence()
    trust: Trust = Trust()
    attribution: Attribution = Attribution()
    spoilers: Spoilers = Spoilers()
    accidents: Accidents = Accidents()
    retaliation: Retaliation = Retaliation()
    declaration: Declaration = Declaration()


class Harm(Strict):
    lethality: float = param(
        0.02, "casualties per attack per 1,000 civilians", "Civilian harm of one attack at full "
        "strength, per thousand civilians in the region.", ge=0, le=10)
    spillover: float = param(
        0.25, "share", "Weight of presence in neighbouring regions when actors meet.", ge=0, le=1)


# --------------------------------------------------------------------------
# The scenario
# --------------------------------------------------------------------------

class Scenario(Strict):
    name: str = Field(description="Short title shown in reports.")
    description: str = Field("", description="What the scenario represents and its sources.")
    time: Time = Time()
    actors: dict[str, Actor] = Field(
        min_length=2, description="The factions and external powers, by name (at least two).")
    regions: dict[str, Region] = Field(
        min_length=1, description="The regions of the conflict, by name: a network through "
        "'neighbours'.")
    mechanisms: Mechanisms = Mechanisms()
    harm: Harm = Harm()
    key_pairs: list[tuple[str, str]] = Field(
        default_factory=list, description="Trust pairs (truster, trusted), both parties of "
        "different camps, charted over time; empty: the pairs of the same kind (faction in "
        "faction, power in power).")

    @model_validator(mode="after")
    def _names_resolve(self) -> Scenario:
        """Every name a field mentions must be an actor or region of this scenario."""
        actors, regions = set(self.actors), set(self.regions)
        problems: list[tuple[str, str]] = []

        def need(names: Any, known: set[str], where: str, what: str) -> None:
            for n in ([names] if isinstance(names, str | None) else names):
                if n is not None and n not in known:
                    problems.append((where, f"unknown {what} {n!r}; known: {sorted(known)}"))

        def camp(name: str) -> str:
            return self.actors[name].patron or name

        for name, a in self.actors.items():
            need(a.patron, actors, f"actors.{name}.patron", "actor")
            if a.patron is not None and a.patron in self.actors and \
                    self.actors[a.patron].kind != "power":
                problems.append((f"actors.{name}.patron", f"{a.patron!r} is not a power"))
            need(a.intermixed_with, actors, f"actors.{name}.intermixed_with", "actor")
            if a.intermixed_with in self.actors and self.actors[a.intermixed_with].party:
                problems.append((f"actors.{name}.intermixed_with",
                                 f"{a.intermixed_with!r} must be an excluded faction"))
            need(list(a.initial_trust), actors, f"actors.{name}.initial_trust", "actor")
        for name, r in self.regions.items():
            need(r.neighbours, regions, f"regions.{name}.neighbours", "region")
            need(r.besieged_by, actors, f"regions.{name}.besieged_by", "actor")
            need(list(r.presence), actors, f"regions.{name}.presence", "actor")
            if r.besieged_by in self.actors and not any(
                    self.actors[a].party and self.actors[a].kind == "faction" and share > 0
                    and camp(a) != camp(r.besieged_by)
                    for a, share in r.presence.items() if a in self.actors):
                problems.append((f"regions.{name}.besieged_by", "a besieged region needs a "
                                 "party faction of another camp present (in 'presence')"))
        intel = self.mechanisms.intelligence
        need(intel.provider, actors, "mechanisms.intelligence.provider", "actor")
        need(intel.recipient, actors, "mechanisms.intelligence.recipient", "actor")
        for i, pair in enumerate(self.key_pairs):
            need(list(pair), actors, f"key_pairs.{i}", "actor")
            if set(pair) <= actors and not (
                    self.actors[pair[0]].party and self.actors[pair[1]].party
                    and camp(pair[0]) != camp(pair[1])):
                problems.append((f"key_pairs.{i}", "trust is tracked between parties of "
                                 f"different camps only; got {list(pair)}"))
        if not any(a.party for a in self.actors.values()):
            problems.append(("actors", "at least one actor must be a party to the truce"))
        if problems:
            raise FieldProblems(problems)
        return self


class FieldProblems(ValueError):
    """Problems found by a block's validator, each with its field path inside the block."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))
