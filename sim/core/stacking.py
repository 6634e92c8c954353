"""Constants over parameter sets, on the replication axis.

A model may run several parameter sets side by side; a constant that is the same in all
keeps a trailing axis of length 1, one that differs has an entry per replication, so the
same arithmetic serves both.
"""

from __future__ import annotations

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
