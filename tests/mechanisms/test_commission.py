"""The joint commission (``sim.agents.commission``): the mechanism contract; it lowers the
incidents booked against a side that did not commit them, and raises 7-day survival."""

from __future__ import annotations

import numpy as np
from contract import MechanismContract, survival
from ground import misattributed, total, watch

from sim.agents.commission import JointCommission


class TestJointCommission(MechanismContract):
    cls = JointCommission
    WRITTEN = {"mechanisms.commission.resolution": 0.5}

    def test_it_lowers_misattributed_incidents(self):
        """Resolving half the disputed incidents: over 400 worlds and a week there are
        thousands of them, so asking for at least a quarter fewer leaves a wide margin to
        chance (and to the parties' changed behaviour)."""
        without = total(watch({}), misattributed)
        with_ = total(watch({"mechanisms.commission.resolution": 0.5}), misattributed)
        assert with_ < 0.75 * without

    def test_from_its_first_day_only(self):
        before = range(3)
        late = watch({"mechanisms.commission.resolution": 1.0,
                      "mechanisms.commission.from_day": 3}, days=3)
        assert total(late, misattributed, before) == total(watch({}, days=3), misattributed,
                                                           before)

    def test_it_raises_seven_day_survival(self):
        diff = survival({"mechanisms.commission.resolution": 0.5}) - survival({})
        assert diff.mean() > 3 * diff.std(ddof=1) / np.sqrt(len(diff))
