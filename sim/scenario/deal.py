"""The deal over time (``deal:``): terms that start, change or end on a stated day, and
the day the deal expires or is superseded by another.

``deal.schedule`` is a list of changes, each ``{day: N, set: {dotted.path: value},
source: "..."}``: from day N (counted as the results count days: the first day of the
truce is day 0) the terms at those paths take those values. Any term of the deal can be
scheduled, addressed by its dotted path (``mechanisms.<key>.<field>``, see
``sim.dotted``), with no code of the mechanism's own: on that day the model recompiles
its constants (the mechanisms' ``compiles``) from the scenario as changed.

``deal.expires_day`` (the truce lapses: ending "expired") and ``deal.superseded_day``
(another deal replaces it: ending "superseded") are facts of the deal: every run whose
truce still stands that day ends with that ending.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError

from sim import dotted
from sim.core.fields import Strict

#: The blocks of a scenario whose fields are terms of the deal, and so can be scheduled.
TERM_BLOCKS = ("mechanisms",)

#: How a deal that ends on a stated day ends, by the field that states it.
ENDINGS = {"expires_day": "expired", "superseded_day": "superseded"}


#: How a day of the deal is declared (unit and source, as every parameter's).
_DAY = {"unit": "day", "source": "the deal"}


class Change(Strict):
    """Terms that take new values from a stated day."""

    day: int = Field(ge=1, description="The day the change takes effect (day 0: the truce's "
                     "first day, as the results count days).")
    set: dict[str, Any] = Field(min_length=1, description="The new values, by the term's "
                                "dotted path (mechanisms.<key>.<field>).")
    source: str = Field("", description="Where the change and its day come from.")


class Deal(Strict):
    """The deal over time: scheduled changes of its terms and the day it ends by itself."""

    schedule: list[Change] = Field(default_factory=list, description="Changes of the "
                                   "deal's terms on stated days, in increasing order of day.")
    expires_day: int | None = Field(None, ge=1, json_schema_extra=_DAY, description="The day the deal lapses: every "
                                    "truce still standing ends then, as 'expired'.")
    superseded_day: int | None = Field(None, ge=1, json_schema_extra=_DAY, description="The day another deal "
                                       "replaces it: every truce still standing ends then, "
                                       "as 'superseded'.")
    source: str = Field("", description="Where the deal's end comes from.")

    @property
    def end(self) -> tuple[int, str] | None:
        """The day the deal ends by itself and how ("expired", "superseded"); None."""
        ends = [(day, ENDINGS[name]) for name in ENDINGS
                if (day := getattr(self, name)) is not None]
        return min(ends) if ends else None


def problems(scenario: Any) -> list[tuple[str, str]]:
    """What is wrong with a validated scenario's ``deal``, as (field path, message)."""
    deal, out = scenario.deal, []
    horizon = round(scenario.time.horizon_days)
    for name in ENDINGS:
        day = getattr(deal, name)
        if day is not None and day >= horizon:
            out.append((f"deal.{name}", f"must be within the horizon (before day {horizon}), "
                                        f"got {day}"))
    if deal.expires_day is not None and deal.superseded_day is not None:
        out.append(("deal.superseded_day", "a deal expires or is superseded, not both"))
    terms = {block: getattr(scenario, block).model_dump() for block in TERM_BLOCKS}
    last = 0
    for i, change in enumerate(deal.schedule):
        where = f"deal.schedule.{i}"
        if change.day <= last:
            out.append((f"{where}.day", f"days must increase: {change.day} comes after "
                                        f"day {last}"))
        if change.day >= horizon:
            out.append((f"{where}.day", f"must be within the horizon (before day {horizon}), "
                                        f"got {change.day}"))
        last = max(last, change.day)
        for path, value in change.set.items():
            message = _term_problem(scenario, terms, path, value)
            if message:
                out.append((f"{where}.set.{path}", message))
            else:
                dotted.assign(terms[dotted.keys(path)[0]], _inner(path), value)
    return out


def _inner(path: str) -> str:
    """A term's path inside its block."""
    return path.partition(".")[2]


def _term_problem(scenario: Any, terms: dict, path: str, value: Any) -> str:
    """Why ``path = value`` cannot be scheduled, or ''."""
    block = dotted.keys(path)[0]
    if block not in TERM_BLOCKS or "." not in path:
        return (f"not a term of the deal: a schedule sets terms under "
                f"{', '.join(b + '.' for b in TERM_BLOCKS)} (got {path!r})")
    current = dotted.get(terms[block], _inner(path), None)
    if current is None and not _declared(type(scenario), path):
        return f"unknown term {path!r}"
    if isinstance(current, dict):
        return f"{path!r} is a block of terms; schedule its fields one by one"
    trial = _copy(terms[block])
    dotted.assign(trial, _inner(path), value)
    try:
        type(getattr(scenario, block)).model_validate(trial)
    except ValidationError as exc:
        err = exc.errors()[0]
        return f"{err['msg']} (got {value!r})"
    return ""


def _declared(model: Any, path: str) -> bool:
    try:
        dotted.field(model, path)
    except (KeyError, AttributeError):
        return False
    return True


def _copy(data: Any) -> Any:
    return {k: _copy(v) for k, v in data.items()} if isinstance(data, dict) else data


def at_day(scenario: Any, day: int) -> Any:
    """The scenario with the terms in force on ``day`` (every change of a day up to it)."""
    changes = [c for c in scenario.deal.schedule if c.day <= day]
    if not changes:
        return scenario
    update = {}
    for block in TERM_BLOCKS:
        data = getattr(scenario, block).model_dump()
        for change in changes:
            for path, value in change.set.items():
                if dotted.keys(path)[0] == block:
                    dotted.assign(data, _inner(path), value)
        update[block] = type(getattr(scenario, block)).model_validate(data)
    return scenario.model_copy(update=update)


def change_days(scenarios: list[Any]) -> set[int]:
    """The days on which any of the scenarios' terms change."""
    return {c.day for s in scenarios for c in s.deal.schedule}
