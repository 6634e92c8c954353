"""A guarantor's credible threat (``sim.agents.threat``): the mechanism contract; survival
rises with the threat's strength (paired, common random numbers); it costs only the other
camp's party, only on fronts where it faces the power's client, and nothing when the
power has no commitment (no credibility)."""

from __future__ import annotations

import numpy as np
import pytest
from contract import MechanismContract, reference

from sim.agents.threat import GuarantorThreat
from sim.model.model import CeasefireModel
from sim.scenario.errors import ScenarioError

BY_US = {"mechanisms.threat": {"by": "united_states", "strength": 4.0}}


class TestGuarantorThreat(MechanismContract):
    cls = GuarantorThreat
    WRITTEN = BY_US
    # survival rises with the threat's strength (0: written, inert)
    DIRECTIONS = (("mechanisms.threat", {"by": "united_states", "strength": 0.0},
                   {"by": "united_states", "strength": 4.0}, +1),)

    def test_it_costs_the_other_camp_where_it_faces_the_client(self):
        model = CeasefireModel(reference(BY_US), 4, rng=3)
        model.step()
        government, opposition = model.actor("government"), model.actor("opposition")
        cost = np.broadcast_to(GuarantorThreat.violation_cost(government), (
            model.theatre.n_regions, 4))
        facing = model.theatre.counterpart[government.index] == opposition.index
        holds = 1.0 - opposition.posture
        assert np.all(cost[~facing] == 0)
        assert np.all((cost[facing] > 0) == (holds[facing] > 0))
        assert np.all(np.asarray(GuarantorThreat.violation_cost(opposition)) == 0)

    def test_a_power_with_no_commitment_threatens_nothing(self):
        model = CeasefireModel(reference({**BY_US, "actors.united_states.commitment": 0.0}),
                               4, rng=3)
        model.step()
        assert np.all(np.asarray(GuarantorThreat.violation_cost(
            model.actor("government"))) == 0)

    def test_not_written_it_adds_nothing(self):
        model = CeasefireModel(reference(), 2, rng=3)
        model.step()
        assert GuarantorThreat.violation_cost(model.actor("government")) == 0.0

    @pytest.mark.parametrize("by", ["nusra", "nobody"])
    def test_the_threatening_actor_must_be_a_power(self, by):
        with pytest.raises(ScenarioError, match="mechanisms.threat.by"):
            reference({"mechanisms.threat": {"by": by}})
