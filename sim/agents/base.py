"""What every agent of the ceasefire model shares: a name, constants, a slice of state.

An agent's state has the replication axis last: ``(R,)`` for one value per
world, ``(G, R)`` for one per front. Its constants (``self.k``) are read from
the scenario once, when the model is built, by :meth:`CeasefireAgent.constants`;
values that differ between the parameter sets of one model are stacked on the
replication axis, the others keep a trailing axis of length 1, so the same
arithmetic serves both.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from mesa import Agent

from sim.scenario.fields import Strict

if TYPE_CHECKING:
    from sim.model.model import CeasefireModel
    from sim.model.world import World
    from sim.scenario.schema import Scenario


class CeasefireAgent(Agent):
    """An actor or institution of the truce, vectorised over the replication axis."""

    #: What a scenario says of it (an actor's fields), if it is an actor.
    Params: ClassVar[type[Strict] | None] = None
    #: Its behavioural constants (shared by every scenario), a block of ``behaviour:``.
    Behaviour: ClassVar[type[Strict] | None] = None
    behaviour_key: ClassVar[str] = ""

    def __init__(self, model: CeasefireModel, name: str):
        super().__init__(model)
        self.name = name
        self.k = SimpleNamespace()

    # -- built once per model -------------------------------------------------------

    def constants(self, sc: Scenario, world: World) -> dict[str, Any]:
        """Its constants for one parameter set (numbers or small arrays)."""
        return {}

    def behaviour(self, sc: Scenario) -> Any:
        return getattr(sc.behaviour, self.behaviour_key)

    def reset(self, replications: int) -> None:
        """Allocate its state for ``replications`` worlds."""

    # -- helpers --------------------------------------------------------------------

    def uniforms(self, kind: str, rows: int = 1) -> np.ndarray:
        """This step's uniforms of its own stream ``<name>.<kind>``, (rows, R)."""
        return self.model.streams.uniforms(f"{self.name}.{kind}", rows)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


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
