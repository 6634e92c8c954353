"""Retaliation within the war (``behaviour.party.bounded_retaliation``,
``sim.agents.party.PartyFaction.plan``): where each incident is answered by more than one
act, the two camps' answers to each other grow without limit under Model 2; bounded, a
front a party holds never sees more fire from it than at war."""

from __future__ import annotations

import numpy as np
from contract import reference

from sim.model.model import CeasefireModel

ESCALATING = {"behaviour.party.retaliation": 3.0, "behaviour.party.memory_days": 10.0,
              "behaviour.party.declaration_rate": 0.03}


def excess(overrides: dict, days: int = 10) -> float:
    """The most a party's planned rate on a front exceeds its war tempo there, over
    ``days`` days of 200 worlds (in acts a day)."""
    model = CeasefireModel(reference(ESCALATING | overrides), 200, rng=3, record_daily=False)
    parties = [model.agent_of(i) for i, kind in enumerate(model.theatre.kind)
               if kind == "party"]
    worst = -np.inf
    for _ in range(days):
        model.step()
        for p in parties:
            war = np.broadcast_to(p.k.war_rate * p.k.front_weight, p.rate.shape)
            worst = max(worst, float((p.rate - war * p.fronts[:, None]).max()))
    return worst


def test_unbounded_answers_outgrow_the_war_and_bounded_ones_never_do():
    assert excess({}) > 10.0                      # Model 2: far past the war tempo
    assert excess({"behaviour.party.bounded_retaliation": True}) <= 1e-9
