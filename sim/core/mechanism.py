"""The contract of a mechanism: what one class declares, and what is assembled from it.

A mechanism (or an agent kind) is one class. It declares, as class attributes:

- ``key`` and ``Terms``: its block of the deal's terms, ``mechanisms.<key>`` (a
  :class:`~sim.core.fields.Strict` model of its parameters), if the deal has any;
- ``behaviour_key`` and ``Behaviour``: its block of shared behavioural constants,
  ``behaviour.<behaviour_key>`` (typed, with unit, range, default and source);
- ``encodes``: the sentences of the article or of the history it encodes
  (:class:`Encodes`: the quote, the methods that encode it, the parameters they use,
  what it does);
- ``compiles``: its constants for the step loop, as ``(attribute, method, arrays)``: the
  model calls ``method(scenario, theatre)`` for every parameter set and stacks the result
  on the replication axis as the typed ``arrays`` (``sim.core.stacking.Compiled``), on
  each of its agents (``agent.<attribute>``) or, for a mechanism without agents, on the
  model (``model.compiled[attribute]``);
- ``phases``: the phases of the day it acts in, as ``(phase, rank, method)``: in phase
  (:data:`PHASES`) the model calls that method of every agent of the class (in actor
  order), after those of lower rank;
- ``records``: the results it records: names of the built-in fields of ``Results``, or
  :class:`Record` declarations, which the recorder allocates and the replication table
  shows without another line of code; its ``record`` method (phase ``record``) adds the
  day's counts to them (``recorder.today[name]``, a per-day tally);
- its contributions to a party's weighing, as class methods taking the party and
  returning an array, or ``None`` where it adds nothing: ``truce_value`` (what keeping
  the truce is worth), ``violation_cost`` (what violating it costs while it stands),
  ``fighting_gain`` (what fighting gains) and ``pinned_cost`` (a cost per violation
  pinned on its author, read once when the model is built: the party multiplies the sum
  by the chance of being pinned);
- its contributions front by front (``FRONT_FACTORS``), as class methods taking the model
  and returning a factor ``(G, R)`` (or ``(G, 1)``) for today, or ``None`` where it adds
  nothing: ``contact`` (how much the parties' forces still meet on a front: it scales the
  misidentified strikes and the incidents of unclear origin there), ``missed`` (it scales
  the chance a real violation there goes unpinned on its author), ``disputed`` (it scales
  the chance an incident of unclear origin, a misread spoiler attack or a misidentified
  strike there is booked against the other side rather than settled) and ``covered``
  (1 where the deal applies, 0 on fronts outside its area: there the parties fight at war
  tempo and nobody books their violence as violations). The registry multiplies each
  factor over the mechanisms that contribute it (``front_factors``), once a day; a factor
  no mechanism contributes is ``None`` and the model's arithmetic is untouched;
- ``optional``: its block is absent (``None``) unless a scenario writes it, and absent it
  contributes nothing (so it is not in a resolved scenario either).

The registry (``sim.agents.registry``) lists the classes; from their declarations it
assembles the scenario schema's ``mechanisms`` and ``behaviour`` blocks, the
documentation (``docs/mechanisms.md``, ``docs/parameters.md``), the day's order of
sub-steps and the weighing of every party.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from sim.core.fields import Strict

#: The phases of a day, in order, and what happens in each (the model's schedule).
PHASES: tuple[tuple[str, str], ...] = (
    ("decide", "Decisions: powers (willingness to press their clients, whether they would "
               "join the JIC now), the joint center (its quiet days, whether it starts), "
               "party factions (front by front: keep the truce, retaliate or abandon the "
               "front; each weighs declaring the truce over, and separation from an "
               "intermixed excluded faction advances with its patron's pull)."),
    ("declare", "If any party would declare the truce over, the one that weighs it most "
                "declares it (formal collapse); the trigger is the cause that weighed most "
                "in what it perceived the day before."),
    ("plan", "Everyone who fights sets the day's rates of acts on each front."),
    ("act", "Acts, sub-step by sub-step: party factions, powers and spoilers act from "
            "their rates; misidentified strikes; misuse of shared intelligence; aid "
            "convoys."),
    ("perceive", "Perception, while the truce formally stands: the monitoring agent books "
                 "the acts, and incidents of unclear origin, as each camp perceives them; "
                 "each party absorbs what its camp perceived (beliefs, grievances by front, "
                 "spoiler pressure)."),
    ("record", "Records: the model's own (acts, violations, civilian harm), then each "
               "mechanism's."),
    ("close", "The day closes: each front's status from its violence (holding, fraying, "
              "fighting); de facto collapse if the parties' violence stayed above its share "
              "of the pre-truce level over the window; convoys' access; every party revises "
              "its beliefs from the incidents it perceived."),
)

#: The terms of a party's weighing a mechanism may contribute to.
CONTRIBUTIONS = ("truce_value", "violation_cost", "fighting_gain", "pinned_cost")

#: The factors a mechanism may contribute front by front, (G, R) each (module docstring).
FRONT_FACTORS = ("contact", "missed", "disputed", "covered")


@dataclass(frozen=True)
class Encodes:
    """A sentence of the article (``docs/sources/article.txt``) or of the history
    (``history.md``) that a class encodes."""

    name: str
    quote: str                    # verbatim from its source (typographic quotes as there)
    methods: tuple[str, ...]      # "ClassName.method": the first carries the quote
    parameters: tuple[str, ...]   # paths of the parameter table (sim.scenario.parameters)
    effect: str
    source: str = "article"       # "article" or "history"

    @property
    def source_file(self) -> str:
        return "article.txt" if self.source == "article" else "history.md"


@dataclass(frozen=True)
class Record:
    """A result a mechanism records, summed over the run: one number per replication, or
    one per actor and replication (``by_actor``)."""

    name: str
    meaning: str
    by_actor: bool = False


class Mechanism:
    """Declarations every mechanism class makes (see the module docstring)."""

    key: ClassVar[str | None] = None
    Terms: ClassVar[type[Strict] | None] = None
    behaviour_key: ClassVar[str | None] = None
    Behaviour: ClassVar[type[Strict] | None] = None
    encodes: ClassVar[tuple[Encodes, ...]] = ()
    phases: ClassVar[tuple[tuple[str, int, str], ...]] = ()
    records: ClassVar[tuple[str | Record, ...]] = ()
    optional: ClassVar[bool] = False

    @classmethod
    def contributions(cls) -> tuple[str, ...]:
        """The terms of a party's weighing it contributes to (the methods it overrides)."""
        return tuple(name for name in CONTRIBUTIONS
                     if getattr(cls, name).__func__ is not getattr(Mechanism, name).__func__)

    @classmethod
    def written(cls, model: Any) -> bool:
        """Whether any parameter set of the model writes its (optional) block (asked
        several times a day: the answer is kept until the model's scenarios are replaced,
        as on a day the deal's terms change)."""
        kept = getattr(model, "_written", None)
        if kept is None or kept[0] is not model.scenarios:
            kept = model._written = (model.scenarios, {})
        if cls.key not in kept[1]:
            kept[1][cls.key] = any(getattr(s.mechanisms, cls.key) is not None
                                   for s in model.scenarios)
        return kept[1][cls.key]

    @classmethod
    def front_contributions(cls) -> tuple[str, ...]:
        """The factors it contributes front by front (the methods it overrides)."""
        return tuple(name for name in FRONT_FACTORS
                     if getattr(cls, name).__func__ is not getattr(Mechanism, name).__func__)

    @classmethod
    def contact(cls, model: Any) -> Any:
        return None

    @classmethod
    def missed(cls, model: Any) -> Any:
        return None

    @classmethod
    def disputed(cls, model: Any) -> Any:
        return None

    @classmethod
    def covered(cls, model: Any) -> Any:
        return None

    @classmethod
    def truce_value(cls, party: Any) -> Any:
        return None

    @classmethod
    def violation_cost(cls, party: Any) -> Any:
        return None

    @classmethod
    def fighting_gain(cls, party: Any) -> Any:
        return None

    @classmethod
    def pinned_cost(cls, sc: Any) -> float | None:
        return None
