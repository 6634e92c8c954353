"""Facts with their uncertainty: a scenario value given as a range.

A number a scenario states (an actor's commitment, a precedent's violence share) may be
given as ``{low: a, high: b, source: "..."}``: what was known at the truce's start
bounds it, no more. The scenario then holds the range's midpoint, and a run under the
posterior draws it, uniformly between ``low`` and ``high``, once per posterior draw
(``sim.run.facts``), so that its spread enters the parameter interval as the constants'
does. ``low == high`` is the point value. Constants (``behaviour:``) and the deal's
terms are not facts: their ranges are refused.

This module finds the ranges in raw scenario data (before validation); the loader
checks that both ends are valid values of the field.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from pydantic import Field, ValidationError

from sim import dotted
from sim.core.fields import Strict
from sim.scenario.errors import ScenarioError

#: The keys of a range (``source`` optional).
KEYS = {"low", "high", "source"}

#: The blocks whose values are facts, and so may be ranges.
FACT_BLOCKS = ("actors", "regions", "precedent", "harm")


class Range(Strict):
    """A fact known only within bounds: drawn uniformly between them."""

    low: float = Field(description="The lowest value the sources allow.")
    high: float = Field(description="The highest value the sources allow.")
    source: str = Field("", description="What sets the bounds, as known at the truce's start.")

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2.0

    def at(self, u: float) -> float:
        """The value at quantile ``u`` of the uniform draw."""
        return self.low + u * (self.high - self.low) if self.high > self.low else self.low


def is_range(value: Any) -> bool:
    return isinstance(value, dict) and {"low", "high"} <= set(value) <= KEYS


def extract(data: Any, prefix: str = "", within: frozenset[int] = frozenset()
            ) -> dict[str, Any]:
    """Every range in raw scenario data, by dotted path (the raw mapping, unvalidated); a
    dumped scenario's own ``uncertain`` block is not a range, and a mapping that holds
    itself (a recursive YAML alias, refused by validation) is not walked again."""
    if is_range(data):
        return {prefix: data}
    if not isinstance(data, dict) or id(data) in within:
        return {}
    within = within | {id(data)}
    return {path: found for key, inner in data.items() if isinstance(key, str)
            and not (prefix == "" and key == "uncertain")
            for path, found in extract(inner, f"{prefix}.{key}" if prefix else key,
                                       within).items()}


def resolve(data: dict, ranges: dict[str, Any], file: Any, validate: Callable[[dict], Any]
            ) -> Any:
    """The scenario of raw ``data`` whose facts at ``ranges`` are ranges: each range checked
    (a fact's, low <= high), each end validated as the fact's value (``validate``, the
    loader's), the scenario at the midpoints with its ranges in ``uncertain``. ``file``
    names the file a path came from, for the errors."""
    checked = {}
    for path, raw in ranges.items():
        if dotted.keys(path)[0] not in FACT_BLOCKS:
            raise ScenarioError(file(path), path, "a range is for facts (under "
                                f"{', '.join(FACT_BLOCKS)}); constants and the deal's terms "
                                "take one value")
        try:
            r = Range.model_validate(raw)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ScenarioError(file(path), f"{path}.{'.'.join(map(str, err['loc']))}",
                                err["msg"]) from None
        if r.low > r.high:
            raise ScenarioError(file(path), path, f"a range's low must not exceed its high "
                                                  f"(got low {r.low:g}, high {r.high:g})")
        checked[path] = r
    for end in ("low", "high"):
        trial = copy.deepcopy(data)
        for path, r in checked.items():
            dotted.assign(trial, path, getattr(r, end))
        try:
            validate(trial)
        except ScenarioError as exc:
            raise ScenarioError(exc.file, exc.field, f"{exc.expected} (the range's {end})"
                                ) from None
    for path, r in checked.items():
        dotted.assign(data, path, r.mid)
    return validate(data).model_copy(update={"uncertain": checked})
