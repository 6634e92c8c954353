"""Strikes on excluded groups on shared fronts (``sim.agents.counter_terror``): the
mechanism contract; the hits on the intermixed party are booked by its camp against the
striker, fewer the more the party is separated from the excluded faction; a striker of
the party's own camp hits nobody of the other side; the reference's worlds run as alone
beside it."""

from __future__ import annotations

import numpy as np
import pytest
from contract import SEED, MechanismContract, reference

from sim.agents.counter_terror import CounterTerror
from sim.core.events import ACCIDENT
from sim.model.model import CeasefireModel
from sim.scenario.errors import ScenarioError

CT = {"mechanisms.counter_terror": {"strikers": ["russia", "government"], "rate": 2.0}}
NO_ACCIDENTS = {"mechanisms.accidents.enabled": False}   # every accident booked is theirs


def booked(overrides: dict, replications: int = 400) -> np.ndarray:
    """Incidents booked as misidentified strikes in each world over the run, with
    accidents switched off (so all of them are counter-terror hits)."""
    model = CeasefireModel(reference({**NO_ACCIDENTS, **overrides}), replications, rng=SEED,
                           record_daily=False)
    per_world = np.zeros(replications)
    perceive = model.monitoring.perceive

    def counting(acts):
        seen = perceive(acts)
        mine = seen.cause == ACCIDENT
        np.add.at(per_world, seen.rep[mine], seen.count[mine])
        return seen

    model.monitoring.perceive = counting
    model.run()
    return per_world


class TestCounterTerror(MechanismContract):
    cls = CounterTerror
    WRITTEN = CT

    def test_more_separation_fewer_booked_violations_from_these_strikes(self):
        """Paired over 400 worlds: with the opposition 90% separated from Nusra at the start
        the hits booked fall by more than half (about 14 a world to about 2) and by more
        than three standard errors of the paired differences."""
        mixed, apart = booked(CT), booked({**CT, "mechanisms.separation.initial": 0.9})
        assert mixed.mean() > 0
        diff = mixed - apart
        assert diff.mean() > 3 * diff.std(ddof=1) / np.sqrt(len(diff))
        assert apart.mean() < 0.5 * mixed.mean()

    def test_they_are_booked_against_the_striker_by_the_intermixed_camp(self):
        model = CeasefireModel(reference({**NO_ACCIDENTS, **CT}), 50, rng=SEED)
        seen_all = []
        perceive = model.monitoring.perceive
        model.monitoring.perceive = lambda acts: (seen_all.append(perceive(acts)),
                                                  seen_all[-1])[1]
        for _ in range(3):
            model.step()
        theatre = model.theatre
        accused = np.concatenate([s.accused[s.cause == ACCIDENT] for s in seen_all])
        camp = np.concatenate([s.camp[s.cause == ACCIDENT] for s in seen_all])
        assert len(accused)
        assert set(accused) <= {theatre.index("russia"), theatre.index("government")}
        assert set(camp) == {theatre.camp[theatre.index("opposition")]}

    def test_a_striker_of_the_intermixed_partys_camp_harms_nobody(self):
        assert booked({"mechanisms.counter_terror": {"strikers": ["united_states"]}},
                      50).sum() == 0

    def test_not_written_the_model_is_as_before(self):
        assert booked({}, 50).sum() == 0

    @pytest.mark.parametrize("who", ["nusra", "nobody"])
    def test_a_striker_is_a_party_or_a_power(self, who):
        with pytest.raises(ScenarioError, match="mechanisms.counter_terror.strikers"):
            reference({"mechanisms.counter_terror": {"strikers": [who]}})
