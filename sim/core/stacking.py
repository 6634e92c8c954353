"""Constants over parameter sets, on the replication axis.

A model may run several parameter sets side by side; a constant that is the same in all
keeps a trailing axis of length 1, one that differs has an entry per replication, so the
same arithmetic serves both.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np


def stack(values: list[Any], assign: np.ndarray) -> np.ndarray:
    """One constant over parameter sets: trailing axis 1 if all equal, else one entry
    per replication (``assign``: each replication's parameter set)."""
    arrays = [np.asarray(v, dtype=float) for v in values]
    if all(np.array_equal(arrays[0], a) for a in arrays[1:]):
        return arrays[0][..., None]
    return np.stack(arrays, axis=-1)[..., assign]


def at(constant: np.ndarray, rep: np.ndarray, *index: np.ndarray) -> np.ndarray:
    """A stacked constant read for sparse events: ``constant[*index, rep]``, where its last
    axis is the replication axis, or ``constant[*index, 0]`` where it is the same for all."""
    constant = np.asarray(constant)
    if constant.shape[-1] == 1:
        return constant[(*index, 0)] if index else constant[0]   # the same in every world
    return constant[(*index, rep)]


@dataclass(frozen=True)
class Compiled:
    """What a class reads in the step loop, compiled once from the scenario when the model is
    built and stacked over its parameter sets (:func:`stack`). A subclass names its fields
    (each an array whose last axis is the replication axis, or of length 1); building it
    from constants with a field missing or unknown is an error, so no two classes can
    share, or overwrite, a name."""

    @classmethod
    def build(cls, per_set: list[dict[str, Any]], assign: np.ndarray) -> Compiled:
        names = [f.name for f in fields(cls)]
        for constants in per_set:
            if set(constants) != set(names):
                wrong = sorted(set(constants) ^ set(names))
                raise TypeError(f"{cls.__name__} compiles {names}; the constants given "
                                f"differ in {wrong}")
        return cls(**{n: stack([c[n] for c in per_set], assign) for n in names})
