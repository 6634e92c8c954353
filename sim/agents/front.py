"""A front: a region of the conflict, fixed to its cell of the Mesa network.

Its state is whether the truce holds there (0 holding, 1 fraying, 2 fighting),
read each day from the parties' violence on it against its pre-truce level.
Fighting spreads along the network's edges: parties weigh fighting on a front
the more its neighbours fight (``PartyBehaviour.contagion``). A front can fight
while nobody has declared the truce over: a truce can fail on the ground first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import FixedAgent

from sim.core.fields import Strict, param
from sim.core.mechanism import Mechanism

if TYPE_CHECKING:
    from sim.model.model import CeasefireModel
    from sim.model.theatre import Theatre
    from sim.scenario.schema import Scenario

HOLDING, FRAYING, FIGHTING = 0, 1, 2
STATUSES = ("holding", "fraying", "fighting")


class FrontBehaviour(Strict):
    """``behaviour.fronts``: when a front counts as fraying or fighting (shared)."""

    fraying_share: float = param(
        0.15, "share of war level", "A front is fraying once the day's violence on it passes "
        "this share of its pre-truce level.", source="assumed", ge=0, le=1)
    fighting_share: float = param(
        0.5, "share of war level", "A front is fighting once the day's violence on it passes "
        "this share of its pre-truce level.", source="assumed", ge=0, le=2)
    siege_stake: float = param(
        0.0, "weight", "Extra weight of a besieged front in where every actor meeting a foe "
        "there fights: a siege is what the fighting is about (``stake``). 0: Model 2, "
        "fronts weighted by contact alone.", source="assumed", ge=0, le=20, opt_in=True)
    city_stake: float = param(
        0.0, "weight", "Extra weight of a front per its civilians as a share of the "
        "theatre's mean: a city is worth fighting for. 0: Model 2.", source="assumed",
        ge=0, le=20, opt_in=True)

    def stake(self, civilians: np.ndarray, besieged: np.ndarray) -> np.ndarray:
        """What is at stake on each front, (G,): 1, plus a siege's and a city's extra
        weight. An actor's fighting is spread over its fronts by contact (its presence
        times its foes') times this stake; at the defaults it is 1 everywhere (Model 2)."""
        if not (self.siege_stake or self.city_stake):
            return np.ones(len(civilians))
        city = civilians / max(float(np.mean(civilians)), 1e-12)
        return 1.0 + self.siege_stake * besieged + self.city_stake * city


class Front(FixedAgent, Mechanism):
    """A region: its civilians, siege and marbling come from the scenario; its status is its
    row of the model's ``front_status`` (one value per world)."""

    behaviour_key, Behaviour = "fronts", FrontBehaviour
    #: No sentence of the article or the history: that fighting spreads along fronts is
    #: the design's (DESIGN.md, "Fronts can fray"), and its size is calibrated.
    encodes = ()

    def __init__(self, model: CeasefireModel, name: str, index: int, cell):
        super().__init__(model)
        self.name, self.index = name, index
        self.cell = cell

    @property
    def status(self) -> np.ndarray:
        """0 holding, 1 fraying, 2 fighting, (R,)."""
        return self.model.front_status[self.index]

    @property
    def neighbours(self) -> list[Front]:
        return [agent for nb in self.cell.neighborhood for agent in nb.agents]

    def __repr__(self) -> str:
        return f"Front({self.name!r})"

    @classmethod
    def fighting_gain(cls, party) -> np.ndarray:
        """Fighting spreads along the network: a party gains more from fighting on a front
        the more of its neighbours already fight."""
        model = party.model
        return party.k.contagion * (model.theatre.adjacency @ (model.front_status == FIGHTING))


def war_level(sc: Scenario, theatre: Theatre) -> np.ndarray:
    """(G,) the parties' and powers' violence a day at war on each front (the pre-truce
    level every front's status and the de facto test are shares of; spoilers left out)."""
    fighting = [i for i, kind in enumerate(theatre.kind) if kind != "spoiler"]
    war = sum(sc.actors[theatre.actors[i]].war_rate * theatre.front_weight[i] for i in fighting)
    return np.asarray(war, dtype=float) * np.ones(theatre.n_regions)


def assess(violence: np.ndarray, war_level: np.ndarray, fraying: np.ndarray | float,
           fighting: np.ndarray | float) -> np.ndarray:
    """Every front's status from the day's violence on it (shares of its war level at which
    it frays and fights: ``FrontBehaviour``), (G, R)."""
    ratio = violence / np.maximum(war_level, 1e-12)
    status = np.where(ratio >= fighting, FIGHTING, np.where(ratio >= fraying, FRAYING, HOLDING))
    return np.where(war_level > 0, status, HOLDING).astype(np.int8)
