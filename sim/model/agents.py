"""Mesa agents: the factions, external powers and regions of a scenario.

State lives in the model's arrays, with a leading replication axis; an agent
is a named view of its slice of them, so ``model.actor("russia").trust_in(
"united_states")`` reads one value per replication. The rules in
``sim.model.rules`` act on all actors at once (one numpy operation instead of one
Python call per agent and replication), which is what makes 10,000
replications of a truce take about a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent
from mesa.discrete_space import FixedAgent

if TYPE_CHECKING:
    from sim.model.model import CeasefireModel
    from sim.scenario.schema import Actor as ActorSpec
    from sim.scenario.schema import Region as RegionSpec


class Actor(Agent):
    """A faction or external power of the scenario."""

    def __init__(self, model: CeasefireModel, name: str, index: int):
        super().__init__(model)
        self.name, self.index = name, index

    @property
    def spec(self) -> ActorSpec:
        """Its parameters, as the scenario file gives them."""
        return self.model.scenario_spec.actors[self.name]

    def trust_in(self, other: str) -> np.ndarray:
        """Its trust in another actor, (R,); trust is tracked for parties only."""
        pair = self.model.compiled.pair(self.index, self.model.actor(other).index)
        if pair < 0:
            raise ValueError(f"{self.name} is not a party: its trust is not tracked")
        return self.model.state.trust[pair]

    @property
    def tension(self) -> np.ndarray:
        """Decayed weight of the violations it perceived against its camp, (R,)."""
        return self.model.state.tension[self.index]

    @property
    def violations(self) -> np.ndarray:
        """Its violations of the truce so far, (R,)."""
        return self.model.recorder.violations[:, self.index]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class Faction(Actor):
    """An armed group on the ground: a party to the truce or an excluded spoiler."""


class ExternalPower(Actor):
    """A power backing factions: guarantor of the truce, patron of its clients."""


class Region(FixedAgent):
    """A region of the conflict, fixed to its cell of the region network."""

    def __init__(self, model: CeasefireModel, name: str, index: int, cell):
        super().__init__(model)
        self.name, self.index = name, index
        self.cell = cell

    @property
    def spec(self) -> RegionSpec:
        return self.model.scenario_spec.regions[self.name]

    @property
    def neighbours(self) -> list[Region]:
        return [agent for nb in self.cell.neighborhood for agent in nb.agents]

    def __repr__(self) -> str:
        return f"Region({self.name!r})"
