"""Checks a typed schema cannot express field by field: whether a scenario makes sense as a
whole, and whether it stays within what a run can meaningfully do.

``semantic_problems(scenario)`` returns (field path, message) pairs, empty when the
scenario is sound. It reads only the parts of a validated scenario that describe who
is who (actors' kind, party, patron, intermixed_with; regions' neighbours,
besieged_by, presence; the intelligence provider and recipient), plus the name and
the step length, so it does not depend on how the model uses them. Its last part,
``structure_problems``, refuses what the model cannot simulate (no front, a party
faction without one, a siege laid by an excluded faction or a power): a scenario that
passes runs (``tests/test_structures.py``, over random structures).

``type_problems(data)`` looks at the raw data before validation for booleans given
where the schema expects a number (pydantic would read ``true`` as 1.0).
"""

from __future__ import annotations

import types
import typing
import unicodedata
from typing import Any

from pydantic import BaseModel

from sim.scenario import deal
from sim.scenario.schema import Scenario

#: Longest scenario name: it is a title in reports and charts, not a document.
MAX_NAME = 200
#: Longest actor or region name (legends, table columns).
MAX_ENTRY_NAME = 100
#: Shortest step: a quarter of an hour (96 steps a day). The model's results do not
#: hinge on the step length (README: 30-minute, 1- and 2-hour steps agree), so shorter
#: steps only multiply the work; 0.0001 hours would be 3.36 million steps.
MIN_STEP_HOURS = 0.25
#: Most actors and regions a scenario may name (state grows with their product).
MAX_ACTORS = 64
MAX_REGIONS = 256


def _control(text: str, allow: str = "") -> bool:
    """Whether ``text`` holds a control character (C0, DEL, C1) other than those in ``allow``."""
    return any(unicodedata.category(ch) == "Cc" and ch not in allow for ch in text)


def semantic_problems(data: Any) -> list[tuple[str, str]]:
    """What is wrong with a validated scenario as a whole, as (field path, message)."""
    problems: list[tuple[str, str]] = []
    actors, regions = data.actors, data.regions

    if len(data.name) > MAX_NAME:
        problems.append(("name", f"at most {MAX_NAME} characters (got {len(data.name)})"))
    if data.time.step_hours < MIN_STEP_HOURS:
        problems.append(("time.step_hours", f"at least {MIN_STEP_HOURS} hours (got "
                                            f"{data.time.step_hours:g}; shorter steps only "
                                            "multiply the work)"))
    if len(actors) > MAX_ACTORS:
        problems.append(("actors", f"at most {MAX_ACTORS} actors (got {len(actors)})"))
    if len(regions) > MAX_REGIONS:
        problems.append(("regions", f"at most {MAX_REGIONS} regions (got {len(regions)})"))
    for kind, names in (("actors", actors), ("regions", regions)):
        for name in names:
            if len(name) > MAX_ENTRY_NAME:
                problems.append((f"{kind}.{name[:40]}...", f"a name of at most "
                                 f"{MAX_ENTRY_NAME} characters (got {len(name)})"))

    for field, text in (("name", data.name), ("description", data.description or ""),
                        *((f"{kind}.{n[:40]}", n) for kind, names in
                          (("actors", actors), ("regions", regions)) for n in names)):
        if _control(text, allow="\n\t" if field == "description" else ""):
            problems.append((field, "no control characters (such as terminal escape "
                                    "sequences): it is printed and drawn as it is"))

    # Patronage: nobody backs itself, and following patrons never comes back round.
    in_cycle: set[str] = set()
    for name, actor in actors.items():
        if actor.patron == name:
            problems.append((f"actors.{name}.patron", "an actor cannot be its own patron"))
            continue
        seen = [name]
        current = actor.patron
        while current is not None and current in actors and current not in seen \
                and actors[current].patron != current:
            seen.append(current)
            current = actors[current].patron
        if current == name and name not in in_cycle:   # reported once, at its first member
            in_cycle.update(seen)
            cycle = " -> ".join([*seen, name])
            problems.append((f"actors.{name}.patron", f"patrons form a cycle: {cycle}"))
    for name, actor in actors.items():
        if actor.intermixed_with == name:
            problems.append((f"actors.{name}.intermixed_with",
                             "an actor cannot be intermixed with itself"))

    intel = data.mechanisms.intelligence
    if intel.provider is not None and intel.provider == intel.recipient:
        problems.append(("mechanisms.intelligence.recipient",
                         f"intelligence is shared between two actors; {intel.provider!r} "
                         "cannot share it with itself"))

    for name, region in regions.items():
        if name in region.neighbours:
            problems.append((f"regions.{name}.neighbours", "a region cannot be its own "
                                                           "neighbour"))

    # Every party faces a party of another camp (its counterpart), or nothing it does
    # can break or keep the truce (and the JIC would count as working).
    def camp(name: str) -> str:
        return actors[name].patron or name

    parties = [n for n, a in actors.items() if a.party]
    for name in parties:
        if not any(camp(other) != camp(name) for other in parties):
            problems.append((f"actors.{name}.party", f"{name!r} (camp {camp(name)!r}) has no "
                             "counterpart: no party of another camp is in the truce"))
    return problems + deal.problems(data) + structure_problems(data)


def structure_problems(data: Any) -> list[tuple[str, str]]:
    """What the model cannot simulate in who meets whom, as (field path, message).

    The truce is kept or broken on fronts: a region where party factions of two camps
    (a power and the factions it backs are one camp) are both present. Each party
    faction fights, and is watched by, the party factions of other camps it meets there
    (``sim.model.theatre``); monitoring's observers are the party factions that have such
    a front. So the scenario needs at least one front, and every party faction one of
    its own (else nothing it does can keep or break the truce); a siege is laid by a
    party faction, whose convoys the truce's access terms govern (an excluded faction or
    a power has no such choice in the model).
    """
    actors, regions = data.actors, data.regions
    problems: list[tuple[str, str]] = []

    def camp(name: str) -> str:
        return actors[name].patron or name

    ground = [n for n, a in actors.items() if a.role == "party"]
    present = {g: {n for n, share in r.presence.items() if share > 0 and n in ground}
               for g, r in regions.items()}
    fronts = {n: sorted(g for g, here in present.items() if n in here
                        and any(camp(o) != camp(n) for o in here)) for n in ground}
    if not any(fronts.values()):
        problems.append(_no_front(actors, ground, camp))

    for name, region in regions.items():
        besieger = region.besieged_by
        if besieger is None or besieger not in actors:
            continue
        if besieger not in ground:
            what = ("an external power" if actors[besieger].kind == "power"
                    else "an excluded faction (party: false)")
            problems.append((f"regions.{name}.besieged_by", f"{besieger!r} is {what}; a "
                             "siege is laid by a party faction (kind: faction, party: true), "
                             "whose convoys the truce's access terms govern"))
        elif not any(camp(a) != camp(besieger) for a in present[name]):
            problems.append((f"regions.{name}.besieged_by", "a besieged region needs a "
                             "party faction of another camp present (in 'presence')"))

    for name in data.mechanisms.humanitarian.pullback:
        if name in regions and not regions[name].besieged_by:
            problems.append(("mechanisms.humanitarian.pullback", f"{name!r} is not besieged "
                             f"(regions.{name}.besieged_by): a road to clear before aid "
                             "goes is one to a besieged region"))

    if any(fronts.values()):
        for name, where in fronts.items():
            if not where:
                problems.append((f"actors.{name}", f"party faction {name!r} meets no party "
                                 "faction of another camp in any region (presence > 0): it "
                                 "has no front, so nothing it does can keep or break the "
                                 "truce; give it presence where it faces one, or make it "
                                 "party: false"))
    return problems


def _no_front(actors: dict, ground: list[str], camp) -> tuple[str, str]:
    """Why no region holds party factions of two camps: a shared patron, too few camps on
    the ground, or camps that never meet."""
    camps: dict[str, list[str]] = {}
    for name in ground:
        camps.setdefault(camp(name), []).append(name)
    consequence = ("no front has party factions of two camps, and monitoring would have no "
                   "observers")
    if len(ground) >= 2 and len(camps) == 1:
        patron = camp(ground[0])
        second = next(n for n in ground[1:] if actors[n].patron == patron)
        first = next(n for n in ground if n != second)
        return (f"actors.{second}.patron", f"{patron!r} also backs {first!r}: factions with "
                f"one patron are one camp, so {consequence}; give one of them another "
                "patron, or none")
    if len(camps) < 2:
        listed = ", ".join(f"{n!r} (camp {camp(n)!r})" for n in ground) or "none"
        return ("actors", f"the truce needs party factions (kind: faction, party: true) of "
                f"two camps, forces on the ground that can keep or break it; got {listed}")
    listed = "; ".join(f"{c!r}: {sorted(names)}" for c, names in sorted(camps.items()))
    return ("regions", f"{consequence}: no region has party factions of two camps present "
            f"(presence > 0) together; party factions by camp: {listed}")


def type_problems(data: Any, model: type[BaseModel] | None = None,
                  prefix: str = "") -> list[tuple[str, str]]:
    """Booleans in raw scenario data where the schema wants a number, as (field, message)."""
    if model is None:
        model = Scenario
    problems: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        return problems
    for key, value in data.items():
        field = model.model_fields.get(key) if isinstance(key, str) else None
        if field is None:
            continue
        problems += _check(value, field.annotation, f"{prefix}{key}")
    return problems


def _check(value: Any, annotation: Any, where: str) -> list[tuple[str, str]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return type_problems(value, annotation, f"{where}.")
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _check(value, args[0], where)
    if origin is dict and isinstance(value, dict) and len(args) == 2:
        out = []
        for key, item in value.items():
            out += _check(item, args[1], f"{where}.{key}")
        return out
    if origin in (typing.Union, types.UnionType):
        numeric = any(a in (int, float) for a in args)
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if numeric and isinstance(value, bool):
            return [(where, f"expected a number, got {value!r}")]
        return _check(value, models[0], where) if models else []
    if annotation in (int, float) and isinstance(value, bool):
        return [(where, f"expected a number, got {value!r}")]
    return []
