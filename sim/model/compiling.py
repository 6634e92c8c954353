"""Compiling the mechanisms' constants for the step loop: every ``compiles`` declaration
(``sim.core.mechanism``) applied to each parameter set's scenario and stacked on the
replication axis. The model does it when it is built and again on each day its deal's
terms change (a schedule, ``sim.scenario.deal``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.agents.base import CeasefireAgent
from sim.agents.registry import CLASSES, MECHANISMS

if TYPE_CHECKING:
    from sim.core.stacking import Compiled
    from sim.model.model import CeasefireModel


def compile_all(model: CeasefireModel, own: type[Compiled]) -> None:
    """Set every agent's compiled constants, the model's own (``model.k``, as ``own``) and
    those of mechanisms without agents (``model.compiled``)."""
    def compile(arrays: type[Compiled], of) -> Compiled:
        """``of(scenario, theatre)`` for every parameter set, stacked as ``arrays``."""
        return arrays.build([of(s, w) for s, w in zip(model.scenarios, model._theatres,
                                                      strict=True)], model.assign)

    for agent in model._behaving:
        for attribute, method, arrays in agent.compiled():
            setattr(agent, attribute, compile(arrays, getattr(agent, method)))
    model.k = compile(own, model._constants)
    model.compiled = {}
    for cls in MECHANISMS:      # not an agent class, nor a part of one (a mixin)
        if not issubclass(cls, CeasefireAgent) and not any(
                issubclass(kind, cls) for kind in CLASSES.values()):
            for attribute, method, arrays in cls.__dict__.get("compiles", ()):
                model.compiled[attribute] = compile(arrays, getattr(cls, method))
