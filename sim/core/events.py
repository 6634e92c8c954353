"""What happens in one step, as flat arrays: acts, and incidents as each side perceives them.

Agents append to :class:`Acts` (who did what to whom, where, how often, why);
the monitoring agent turns acts into :class:`Perceived` incidents (who blamed
whom for what). Both are sparse: one entry per event, not per world.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Why an act happened, or how an incident was read: the trigger codes of results.
CAUSES = ("deliberate", "retaliation", "spoiler", "accident", "misattribution",
          "blocked_aid", "intelligence_misuse")
DELIBERATE, RETALIATION, SPOILER, ACCIDENT, MISATTRIBUTION, BLOCKED_AID, MISUSE = range(7)

_ACT_FIELDS = ("rep", "actor", "target", "front", "count", "cause", "fate", "admit", "hour")


@dataclass
class Acts:
    """Hostile acts of one day. ``fate`` and ``admit`` are the act's own uniforms, drawn by
    its author's stream, for how it is perceived and whether its author owns up to it;
    ``hour`` is the sub-step of the day it happened in."""

    parts: list[tuple[np.ndarray, ...]] = field(default_factory=list)
    war_parts: list[tuple[np.ndarray, ...]] = field(default_factory=list)

    def add_war(self, rep, actor, front, count) -> None:
        """Acts in worlds whose truce was declared over: war, which nobody perceives as a
        violation; only what the records need (who, where, how many)."""
        n = len(rep)
        if n:
            self.war_parts.append(tuple(_column(x, n) for x in (rep, actor, front, count)))

    def war(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The war acts: (rep, actor, front, count)."""
        if not self.war_parts:
            z = np.zeros(0, np.int64)
            return z, z, z, z
        return tuple(np.concatenate(c) for c in zip(*self.war_parts, strict=True))

    def add(self, rep, actor, target, front, count, cause, fate, admit, hour) -> None:
        n = len(rep)
        if n:
            self.parts.append(tuple(_column(x, n) for x in
                                    (rep, actor, target, front, count, cause, fate, admit,
                                     hour)))

    def arrays(self) -> dict[str, np.ndarray]:
        if not self.parts:
            return {k: np.zeros(0, float if k in ("fate", "admit") else np.int64)
                    for k in _ACT_FIELDS}
        cols = [np.concatenate(c) for c in zip(*self.parts, strict=True)]
        return dict(zip(_ACT_FIELDS, cols, strict=True))


def _column(x, n: int) -> np.ndarray:
    return x if isinstance(x, np.ndarray) and x.shape == (n,) else np.full(n, x)


@dataclass(frozen=True)
class Perceived:
    """Incidents booked by a camp against an actor: ``weight`` is their weight as evidence."""

    rep: np.ndarray
    camp: np.ndarray       # the camp that perceived it (the victim's)
    accused: np.ndarray    # actor index
    front: np.ndarray      # region index
    weight: np.ndarray
    cause: np.ndarray
    count: np.ndarray      # incidents, as the perceiving camp counts them publicly

    @staticmethod
    def join(parts: list[tuple[np.ndarray, ...]]) -> Perceived:
        if not parts:
            z = np.zeros(0, np.int64)
            return Perceived(z, z, z, z, np.zeros(0), z, z)
        fixed = [tuple(_column(x, len(p[0])) for x in p) for p in parts]
        return Perceived(*(np.concatenate(c) for c in zip(*fixed, strict=True)))


class Tally:
    """Sparse additions to a dense (rows, R) array, gathered over steps and summed once
    (``total``): agents that read what they perceived only once a day book it cheaply."""

    def __init__(self, rows: int, replications: int):
        self.shape = (rows, replications)
        self.flat: list[np.ndarray] = []
        self.weights: list[np.ndarray] = []

    def add(self, row: np.ndarray, rep: np.ndarray, weight: np.ndarray) -> None:
        if len(rep):
            self.flat.append(np.asarray(row) * self.shape[1] + rep)
            self.weights.append(np.broadcast_to(weight, rep.shape))

    def total(self) -> np.ndarray:
        """The dense sum of everything added since the last call, (rows, R)."""
        size = self.shape[0] * self.shape[1]
        if not self.flat:
            return np.zeros(self.shape)
        out = np.bincount(np.concatenate(self.flat), np.concatenate(self.weights),
                          minlength=size).reshape(self.shape)
        self.flat, self.weights = [], []
        return out
