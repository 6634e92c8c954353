"""The scenario schema, assembled from what each agent class declares.

A scenario states facts and the terms of a deal; the behavioural constants
shared by every truce live in ``behaviour:``, whose defaults are the agent
classes' declarations (``sim/agents``), and which a historical scenario must not
set. Every parameter has a unit, range, default and source (``python run.py
--describe``). Rates are per day; the model converts them once.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (BeforeValidator, Field, create_model, field_validator, model_serializer,
                      model_validator)

from sim.agents.beliefs import PrecedentTerms
from sim.agents.registry import CLASSES, behaviours, optional, optional_behaviours, terms
from sim.core.fields import FieldProblems, Share, Strict, param
from sim.scenario.deal import Deal
from sim.scenario.facts import Range

__all__ = ["Scenario", "Actor", "Region", "FieldProblems", "Strict", "Share"]


class Time(Strict):
    step_hours: float = param(1.0, "hours", "Length of one sub-step of a day: acts are drawn "
                              "sub-step by sub-step, decisions once a day; must divide 24.",
                              source="model", gt=0, le=24)
    duration_days: float = param(
        7.0, "days", "Length of the truce phase: the truce 'survives' if neither a formal nor "
        "a de facto collapse happens by its end. Article: 'a seven day ceasefire'.",
        source="the deal", gt=0, le=365)
    horizon_days: float = param(
        14.0, "days", "How long each replication runs, so the JIC phase and late collapses "
        "show (up to ten years).", source="model", gt=0, le=3650)

    @field_validator("step_hours")
    @classmethod
    def _divides_a_day(cls, hours: float) -> float:
        if abs(24.0 / hours - round(24.0 / hours)) > 1e-9:
            raise ValueError(f"must divide 24 (got {hours})")
        return hours

    @model_validator(mode="after")
    def _whole_days(self) -> Time:
        problems = [(name, f"must be a whole number of days (got {days})")
                    for name, days in (("duration_days", self.duration_days),
                                       ("horizon_days", self.horizon_days))
                    if abs(days - round(days)) > 1e-9]
        if self.horizon_days < self.duration_days:
            problems.append(("horizon_days", f"must be at least duration_days "
                                             f"({self.duration_days}), got {self.horizon_days}"))
        if problems:
            raise FieldProblems(problems)
        return self


#: Which agent class reads an actor's fields, by kind.
KIND_PARAMS = {role: cls.Params for role, cls in CLASSES.items()}


def _actor_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for block in KIND_PARAMS.values():
        for name, info in block.model_fields.items():
            fields.setdefault(name, (info.annotation, info))
    return fields


class _ActorBase(Strict):
    kind: Literal["faction", "power"] = Field(
        description="'faction': an armed group on the ground; 'power': an external power.")
    party: bool = Field(
        description="Party to the truce (faction) or guarantor (power). Factions that are not "
        "parties are excluded from it, legitimate targets and potential spoilers.")
    patron: str | None = Field(
        None, description="Name of the power that backs this faction (its camp), or none.")
    label: str | None = Field(
        None, exclude_if=lambda v: v is None, description="How charts and reports name "
        "this actor, e.g. 'United States'; none: its name prettified ('united_states' -> "
        "'United States'). Never read by the model.")

    @model_validator(mode="before")
    @classmethod
    def _kind_defaults(cls, data: Any) -> Any:
        """Fields not given take the defaults of the class that reads them (a power's
        strength is 1, a faction's 0.5)."""
        if isinstance(data, dict) and data.get("kind") in ("faction", "power"):
            role = "power" if data["kind"] == "power" else \
                "party" if data.get("party") is True else "spoiler"
            block = KIND_PARAMS[role]
            allowed = set(block.model_fields) | {"kind", "party", "patron", "label"}
            known = set(cls.model_fields)
            wrong = sorted(k for k in data if k in known and k not in allowed)
            if wrong and isinstance(data.get("party"), bool):
                raise FieldProblems([(w, f"does not apply to a {role} "
                                         f"(fields: {sorted(allowed)})") for w in wrong])
            data = {**{n: f.default for n, f in block.model_fields.items()
                       if n not in data}, **data}
        return data

    @property
    def role(self) -> str:
        return "power" if self.kind == "power" else "party" if self.party else "spoiler"


Actor = create_model("Actor", __base__=_ActorBase, **_actor_fields())


class Region(Strict):
    label: str | None = Field(
        None, exclude_if=lambda v: v is None, description="How charts and reports name "
        "this region, e.g. 'East Aleppo'; none: its name prettified ('east_aleppo' -> "
        "'East Aleppo'). Never read by the model.")
    neighbours: list[str] = Field(
        default_factory=list, description="Adjacent regions: fighting spreads along fronts.")
    civilians: float = param(0.0, "thousands of people", "Civilian population exposed.",
                             source="fact", ge=0, le=50_000)
    besieged_by: str | None = Field(
        None, description="Name of the faction besieging this region, if any: aid convoys "
        "must pass it. Article: 'unhindered humanitarian access to all regions'.")
    presence: dict[str, Share] = Field(
        default_factory=dict, description="Each actor's military presence, 0..1 (powers: "
        "their air operations over it).")
    marbling: float = param(
        0.0, "share", "How intermixed party and excluded fighters are here; what separation "
        "has not undone lets spoiler attacks pass for the party's and turns strikes on the "
        "spoilers into hits on the party.", source="fact", ge=0, le=1)


#: The order of the blocks in a scenario as it has always been dumped (run manifests keep
#: their bytes); blocks of mechanisms added since follow in registry order.
_TERMS_ORDER = ("jic", "humanitarian", "penalties", "patron_pressure", "separation",
                "intelligence", "monitoring", "spoilers", "accidents")
_BEHAVIOUR_ORDER = ("beliefs", "party", "power", "monitoring", "air", "jic", "convoys",
                    "fronts")


def _first_line(block: type) -> str:
    return (block.__doc__ or "").strip().splitlines()[0]


def _blocks(declared: dict[str, type], legacy: tuple[str, ...],
            absent: set[str] = frozenset()) -> dict[str, Any]:
    """Each block with its defaults; a block in ``absent`` is none unless written (and,
    none, left out of a resolved scenario, so adding one changes no run's manifest)."""
    order = [k for k in legacy if k in declared] + [k for k in declared if k not in legacy]
    return {key: (declared[key] | None, Field(
        None, exclude_if=lambda v: v is None, description=_first_line(declared[key]) +
        " Absent unless a scenario writes it; absent, the mechanism does nothing."))
            if key in absent else (declared[key], declared[key]()) for key in order}


#: The terms of the deal, one block per mechanism, from the registry's declarations.
Mechanisms = create_model("Mechanisms", __base__=Strict,
                          **_blocks(terms(), _TERMS_ORDER, optional()))
Mechanisms.__doc__ = "The terms of the deal, one block per mechanism (sim.agents.registry)."

#: Behavioural constants shared by every scenario (defaults: the classes' declarations).
Behaviour = create_model("Behaviour", __base__=Strict,
                         **_blocks(behaviours(), _BEHAVIOUR_ORDER))
Behaviour.__doc__ = ("Behavioural constants shared by every scenario (defaults: the "
                     "mechanism classes' declarations).")


class Outcomes(Strict):
    de_facto_share: float = param(
        0.5, "share of war level", "De facto collapse: the parties' violence back above this "
        "share of its pre-truce level ...", source="definition", ge=0.01, le=2)
    de_facto_window_days: float = param(
        2.0, "days", "... over this many consecutive days.", source="definition", ge=1,
        le=60)

    @property
    def window(self) -> int:
        """The de facto window in whole days, as the model counts it."""
        return round(self.de_facto_window_days)


class Harm(Strict):
    lethality: float = param(
        0.0005, "casualties per attack per 1,000 civilians", "Civilian harm of one attack at "
        "full strength, per thousand civilians in the region.", source="assumed", ge=0, le=10)


#: A date as YAML gives it (2016-09-12 reads as a date) or as text ("2016-09").
DateText = Annotated[str, BeforeValidator(lambda v: v.isoformat() if isinstance(v, date) else v)]


class Source(Strict):
    """A public report a value is taken from (``notes.sources``)."""

    title: str = Field(description="What the source is: outlet, title or dataset.")
    url: str = Field("", description="Where it can be read.")
    published: DateText = Field("", description="When it was published (YYYY-MM-DD, or as precise "
                           "as known).")


class Gap(Strict):
    """A fact the schema cannot express yet, and the parameter it would need."""

    fact: str = Field(description="The fact, as the sources state it.")
    source: list[str] = Field(default_factory=list, description="Keys of notes.sources.")
    needs: str = Field(description="The parameter or mechanism that would express it.")


class Notes(Strict):
    """Provenance of a scenario written from public reporting: inert, never read by the model."""

    began: DateText = Field("", description="When the truce took effect (YYYY-MM-DD).")
    known_at: DateText = Field("", description="The scenario holds only what was known by this "
                          "date (YYYY-MM-DD): the truce's start.")
    sources: dict[str, Source] = Field(default_factory=dict, description="The sources values "
                                       "cite by key ([S1] in a value's comment).")
    gaps: list[Gap] = Field(default_factory=list, description="Facts the schema cannot "
                            "express, each with what it would need.")


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
    deal: Deal = Field(Deal(), description="The deal over time: terms that change on stated "
                       "days (schedule) and the day it expires or is superseded "
                       "(sim.scenario.deal).")
    precedent: PrecedentTerms | None = Field(
        None, description="The truce before this one, whose record sets the parties' initial "
        "beliefs; none: they start from the prior.")
    outcomes: Outcomes = Outcomes()
    harm: Harm = Harm()
    behaviour: Behaviour = Behaviour()
    key_pairs: list[tuple[str, str]] = Field(
        default_factory=list, description="Belief pairs (observer, trusted), both parties of "
        "different camps, charted over time; empty: the pairs of the same kind.")
    uncertain: dict[str, Range] = Field(
        default_factory=dict, description="Facts given as ranges ({low, high, source}), by "
        "dotted path: the fact holds the midpoint, and each posterior draw its own value "
        "(sim.scenario.facts).")
    notes: Notes | None = Field(
        None, exclude=True, description="Provenance: sources, the date the facts were known "
        "at, and facts the schema cannot express (gaps). Never read by the model.")

    @model_serializer(mode="wrap")
    def _without_unwritten(self, handler: Any) -> dict:
        """What the scenario does not write is left out of its dump, as before it could be
        written (manifests and resolved scenarios stay as they were): the constants of an
        optional mechanism whose block is absent (they act on nothing), a deal with no
        schedule and no end, and an empty set of uncertain facts."""
        data = handler(self)
        if isinstance(data, dict):
            behaviour = data.get("behaviour")
            if isinstance(behaviour, dict):
                for key, bkey in optional_behaviours().items():
                    if getattr(self.mechanisms, key) is None:
                        behaviour.pop(bkey, None)
            if self.deal == Deal():
                data.pop("deal", None)
            if not self.uncertain:
                data.pop("uncertain", None)
        return data

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
            mixed = getattr(a, "intermixed_with", None)
            need(mixed, actors, f"actors.{name}.intermixed_with", "actor")
            if mixed in self.actors and self.actors[mixed].role != "spoiler":
                problems.append((f"actors.{name}.intermixed_with",
                                 f"{mixed!r} must be an excluded faction"))
        known = self.time.duration_days + self.outcomes.window - 1
        if self.time.horizon_days < known:
            problems.append(("time.horizon_days", f"must be at least duration_days + "
                             f"outcomes.de_facto_window_days - 1 ({known:g}), so that a "
                             f"collapse on the truce's last day is known; got "
                             f"{self.time.horizon_days:g}"))
        for name, r in self.regions.items():
            need(r.neighbours, regions, f"regions.{name}.neighbours", "region")
            need(r.besieged_by, actors, f"regions.{name}.besieged_by", "actor")
            need(list(r.presence), actors, f"regions.{name}.presence", "actor")
        for key in Mechanisms.model_fields:
            block = getattr(self.mechanisms, key)
            for field, names in (block.regions_named().items()
                                 if hasattr(block, "regions_named") else ()):
                need(names, regions, f"mechanisms.{key}.{field}", "region")
            for field, (names, kind) in (block.actors_named().items()
                                         if hasattr(block, "actors_named") else ()):
                need(names, actors, f"mechanisms.{key}.{field}", "actor")
                problems.extend((f"mechanisms.{key}.{field}", f"{n!r} is not a {kind}")
                                for n in names if n in self.actors and kind and (
                                    self.actors[n].role == "spoiler" if kind == "not excluded"
                                    else self.actors[n].kind != kind))
        intel = self.mechanisms.intelligence
        need(intel.provider, actors, "mechanisms.intelligence.provider", "actor")
        need(intel.recipient, actors, "mechanisms.intelligence.recipient", "actor")
        if self.precedent is not None:
            need(list(self.precedent.violence_share), actors, "precedent.violence_share",
                 "actor")
        for i, pair in enumerate(self.key_pairs):
            need(list(pair), actors, f"key_pairs.{i}", "actor")
            if set(pair) <= actors and not (
                    self.actors[pair[0]].party and self.actors[pair[1]].party
                    and camp(pair[0]) != camp(pair[1])):
                problems.append((f"key_pairs.{i}", "beliefs are held between parties of "
                                 f"different camps only; got {list(pair)}"))
        if not any(a.party for a in self.actors.values()):
            problems.append(("actors", "at least one actor must be a party to the truce"))
        if problems:
            raise FieldProblems(problems)
        return self
