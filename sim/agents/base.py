"""What every agent of the ceasefire model shares: a name, constants, a slice of state.

An agent's state has the replication axis last: ``(R,)`` for one value per
world, ``(G, R)`` for one per front. Its constants (``self.k``) are read from
the scenario once, when the model is built, by :meth:`CeasefireAgent.constants`;
values that differ between the parameter sets of one model are stacked on the
replication axis, the others keep a trailing axis of length 1, so the same
arithmetic serves both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from mesa import Agent

from sim.core.fields import Strict
from sim.core.mechanism import Mechanism
from sim.core.stacking import at

if TYPE_CHECKING:
    from sim.model.model import CeasefireModel
    from sim.model.theatre import Theatre
    from sim.scenario.schema import Scenario


def named_fronts(theatre: Theatre, names) -> np.ndarray:
    """1 on the fronts (regions) named, 0 elsewhere, (G,)."""
    return np.array([float(g in names) for g in theatre.regions])


def on_fronts(model, names: tuple[str, ...], rep: np.ndarray, front: np.ndarray):
    """The product of the model's factors ``names`` today (``sim.agents.registry``
    ``front_factors``) where each event happened, or ``None`` where no mechanism contributes
    them (1 for an event on no front)."""
    factors = [model.factors[n] for n in names if model.factors[n] is not None]
    if not factors:
        return None
    out = np.ones(len(rep))
    on = front >= 0
    for f in factors:
        out[on] *= at(f, rep[on], front[on])
    return out


class CeasefireAgent(Agent, Mechanism):
    """An actor or institution of the truce, vectorised over the replication axis."""

    #: What a scenario says of it (an actor's fields), if it is an actor.
    Params: ClassVar[type[Strict] | None] = None

    def __init__(self, model: CeasefireModel, name: str):
        super().__init__(model)
        self.name = name

    # -- built once per model -------------------------------------------------------

    @classmethod
    def compiled(cls) -> list[tuple[str, str, type]]:
        """Its namespaces of compiled constants, (attribute, method, typed arrays): each
        class of its hierarchy declares its own (``compiles``), so a party's own constants
        (``k``), its beliefs' (``belief_k``) and its air force's (``air_k``) never mix."""
        return [entry for c in reversed(cls.__mro__) for entry in c.__dict__.get("compiles", ())]

    def constants(self, sc: Scenario, theatre: Theatre) -> dict[str, Any]:
        """Its constants for one parameter set (numbers or small arrays)."""
        return {}

    def behaviour(self, sc: Scenario) -> Any:
        return getattr(sc.behaviour, self.behaviour_key)

    def reset(self, replications: int) -> None:
        """Allocate its state for ``replications`` worlds."""

    # -- helpers --------------------------------------------------------------------

    def uniforms(self, kind: str, rows: int = 1, idle: np.ndarray | None = None,
                 needed: int = 0) -> np.ndarray:
        """This step's uniforms of its own stream ``<name>.<kind>``, (rows, R); ``idle``
        worlds read only the first ``needed`` rows (``Streams.uniforms``)."""
        return self.model.streams.uniforms(f"{self.name}.{kind}", rows, idle, needed)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"
