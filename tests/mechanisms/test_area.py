"""The deal's area (``sim.agents.area``): the mechanism contract; fronts outside it are
fought at war tempo and their violence is not a violation."""

from __future__ import annotations

import numpy as np
from contract import MechanismContract, reference
from ground import region, watch

from sim.agents.area import DealArea
from sim.model.model import CeasefireModel
from sim.run.experiment import run_scenario
from sim.run.story import story

INSIDE = ["aleppo_east", "aleppo_west", "hama", "homs", "damascus_ghouta", "daraa"]
AREA = {"mechanisms.area.regions": INSIDE}     # idlib and latakia outside


class TestDealArea(MechanismContract):
    cls = DealArea
    WRITTEN = AREA

    def test_outside_fronts_are_not_violations(self):
        """Nothing on a front outside the area reaches perception (no act, no incident),
        though the parties fight there."""
        outside = [region("idlib"), region("latakia")]
        for day in watch(AREA, R=100):
            assert not np.isin(day["acts"]["front"], outside).any()
            assert not np.isin(day["seen"].front, outside).any()

    def test_outside_fronts_are_fought_at_war_tempo(self):
        model = CeasefireModel(reference(AREA), 50, rng=3)
        for _ in range(3):
            model.step()
        g = region("idlib")
        for party in model.parties:
            if party.fronts[g]:
                assert (party.posture[g] == 1.0).all()
                assert np.allclose(party.rate[g], party.k.war_rate * party.k.front_weight[g])

    def test_fewer_violations_recorded_than_with_every_front_covered(self):
        """The same fighting outside the area no longer counts: recorded violations by the
        parties fall (paired, 200 worlds; idlib and latakia hold about a third of them)."""
        def violations(overrides):
            r = run_scenario(reference(overrides), 200, 11, record_daily=False)
            return r.violations.sum()
        assert violations(AREA) < 0.9 * violations({})


def test_the_story_tells_no_front_outside_the_area_abandoned():
    """Fronts outside the area are at war from the start: the story of a run does not tell
    a party abandoning them (it tells what changes inside the truce)."""
    told = story(reference(AREA), 0, 11, 20)
    outside = {"idlib", "latakia"}
    moves = [e for e in told.events if e.kind in ("abandons", "returns")]
    assert not [e for e in moves if e.front in outside]
    inside = story(reference(), 0, 11, 20)     # without an area they are told
    assert [e for e in inside.events if e.kind == "abandons" and e.front in outside]
