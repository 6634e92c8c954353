"""What happened to a historical truce: the schema of ``truces/<id>/outcomes.yaml``.

An outcome file is the record a truce is scored against (``run.py validate``); it is
never an input of the model, and nothing in a scenario may cite it (``truces/README.md``).
The schema is strict (unknown fields, a boolean where a number belongs or a number where a
flag belongs are errors) and a file that does not fit raises :class:`ScenarioError`
naming the file, the field and what was expected, as the scenario loader does.

Days count from the truce's start (``began``): ``end.day: [lo, hi]`` is when the truce
ended, in days after it began (fractions where sources give hours: ``[0.5, 1]``), a range
where sources disagree (``[d, d]`` when exact). ``declared`` and
``eroded`` are collapses (the first formal, the second on the ground); ``superseded``,
``expired`` and ``holding`` are right-censored: the truce was still standing on
``end.day`` (superseded, expired: its low end) or on ``censored_at.day`` (holding). The ending
classes follow the ETH/PRIO Civil Conflict Ceasefire Dataset's distinction (Clayton et
al. 2022) between a ceasefire ended by a party's declaration, one that broke down in
fighting, one replaced by a later agreement and one whose term ran out.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StrictBool, ValidationError, field_validator, model_validator

from sim.core.fields import FieldProblems, Strict
from sim.scenario.loading import explain, read_yaml
from sim.scenario.schema import DateText, Source

__all__ = ["Outcome", "End", "COLLAPSES", "CENSORED", "load_outcome"]

#: Endings that are a collapse of the truce (an event); the others are right-censored.
COLLAPSES = ("declared", "eroded")
CENSORED = ("superseded", "expired", "holding")

Day = Annotated[float, Field(strict=True, ge=0, le=100_000)]
Number = Annotated[float, Field(strict=True)]
SourceKeys = Annotated[list[str], Field(min_length=1)]
OUTCOME_KEY = re.compile(r"O\d+")


def _range(values: list, what: str) -> list:
    if len(values) != 2:
        raise ValueError(f"expected [low, high] (two {what}; [d, d] when exact), got "
                         f"{len(values)} values")
    if values[0] > values[1]:
        raise ValueError(f"the low end comes first (got {values})")
    return values


class FirstWeek(Strict):
    held: StrictBool = Field(description="Did the truce hold its first seven days (no "
                             "return to war)?")
    source: SourceKeys
    note: str = ""


class Censoring(Strict):
    """The last date a truce that is still holding was known to hold, and its day."""

    date: DateText
    day: Day


class End(Strict):
    kind: Literal["declared", "eroded", "superseded", "expired", "holding"]
    day: list[Day] | None = Field(None, description="[lo, hi] days after began.")
    date: list[DateText] | None = None
    by: str | None = Field(None, description="The actor (scenario name) that declared it over.")
    censored_at: Censoring | None = None
    source: SourceKeys
    note: str = ""

    @field_validator("day")
    @classmethod
    def _day_range(cls, day: list[float] | None) -> list[float] | None:
        return day if day is None else _range(day, "days")

    @field_validator("date")
    @classmethod
    def _date_range(cls, dates: list[str] | None) -> list[str] | None:
        return dates if dates is None else _range(dates, "dates")

    @model_validator(mode="after")
    def _kind_fits(self) -> End:
        problems = []
        if self.kind == "holding" and self.censored_at is None:
            problems.append(("censored_at", "required for kind holding: {date: the last date "
                             "it was known to hold, day: its day after began}"))
        if self.kind != "holding" and self.censored_at is not None:
            problems.append(("censored_at", f"only for kind holding; a truce that "
                             f"{self.kind_word} ended on end.day"))
        if self.kind != "holding" and self.day is None:
            problems.append(("day", f"required for kind {self.kind}: [lo, hi] days after began"))
        if problems:
            raise FieldProblems(problems)
        return self

    @property
    def kind_word(self) -> str:
        return {"declared": "was declared over", "eroded": "eroded", "superseded":
                "was superseded", "expired": "expired", "holding": "holds"}[self.kind]

    @property
    def collapsed(self) -> bool:
        return self.kind in COLLAPSES

    @property
    def censored_day(self) -> float | None:
        """The day it was last known to stand (right-censored endings), else None."""
        if self.kind == "holding":
            return self.censored_at.day
        return None if self.collapsed else self.day[0]


class Before(Strict):
    period_days: list[Number]
    value: list[Number] | Number
    source: SourceKeys
    note: str = ""


class Figure(Strict):
    """A figure of violence that exists, with its sources and their disagreements."""

    what: str
    period_days: list[Number]
    value: list[Number] | Number
    source: SourceKeys
    before: Before | None = None
    note: str = ""


class Outcome(Strict):
    truce: str = Field(description="The truce's id: its folder's name.")
    began: DateText = Field(description="When the truce took effect (YYYY-MM-DD).")
    first_week: FirstWeek
    end: End
    violence: list[Figure] = Field(default_factory=list)
    sources: dict[str, Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _sources_resolve(self) -> Outcome:
        problems = [(f"sources.{k}", "outcome sources are keyed O1, O2, ... (the scenario's "
                     "are S1, S2, ...)") for k in self.sources if not OUTCOME_KEY.fullmatch(k)]
        cited = [("first_week.source", self.first_week.source), ("end.source", self.end.source)]
        for i, fig in enumerate(self.violence):
            cited.append((f"violence.{i}.source", fig.source))
            if fig.before is not None:
                cited.append((f"violence.{i}.before.source", fig.before.source))
        for where, keys in cited:
            problems += [(where, f"unknown source {k!r}; known: {sorted(self.sources)}")
                         for k in keys if k not in self.sources]
        problems += self._dates_agree()
        if problems:
            raise FieldProblems(problems)
        return self

    def _dates_agree(self) -> list[tuple[str, str]]:
        """end.date and censored_at.date, where given as full dates, lie within a day of
        began + the day (a truce may begin at any hour)."""
        start = _iso(self.began)
        if start is None:
            return [("began", f"expected a date YYYY-MM-DD (got {self.began!r})")]
        pairs = []
        if self.end.date is not None and self.end.day is not None:
            pairs += [("end.date", d, n) for d, n in zip(self.end.date, self.end.day)]
        if self.end.censored_at is not None:
            pairs.append(("end.censored_at.date", self.end.censored_at.date,
                          self.end.censored_at.day))
        problems = []
        for where, text, day in pairs:
            when = _iso(text)
            if when is not None and abs((when - start).days - day) >= 1:
                problems.append((where, f"{text} is day {(when - start).days} after began "
                                 f"({self.began}), but the day given is {day:g}"))
        return problems


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def load_outcome(path: str | Path) -> Outcome:
    """Read and validate an outcome file; any problem is a ScenarioError naming the file,
    the field and what was expected."""
    path = Path(path)
    data = read_yaml(path)
    try:
        return Outcome.model_validate(data)
    except ValidationError as exc:
        raise explain(exc, path, {}, model=Outcome) from None
