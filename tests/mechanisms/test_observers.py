"""Observers (``sim.agents.observers``): the mechanism contract; on a front where they are,
more of the real violations are pinned on their authors; they do not lower 7-day
survival."""

from __future__ import annotations

import numpy as np
from contract import MechanismContract, reference, survival
from ground import ALL_FRONTS, pinned_on, real_on, region, total, watch

from sim.agents.observers import Observers
from sim.model.model import CeasefireModel

PRESENCE = "mechanisms.observers.presence"


class TestObservers(MechanismContract):
    cls = Observers
    WRITTEN = {PRESENCE: {"aleppo_east": 0.8, "idlib": 0.5}}

    def test_they_raise_detection_where_they_are_and_only_there(self):
        """The share of real violations on a front pinned on their authors: about
        detection_base (0.5) without observers, 1 - 0.5 * (1 - 0.7) = 0.85 with full
        presence. Over 400 worlds and a week there are hundreds of violations on each
        front, so the binomial standard error of a share is under 0.03: the test asks for
        +0.2 where they are and less than 0.05 of change elsewhere."""
        g, other = region("aleppo_east"), region("hama")
        without, with_ = watch({}), watch({PRESENCE: {"aleppo_east": 1.0}})

        def share(log, front):
            return total(log, lambda d: pinned_on(d, front)) / total(
                log, lambda d: real_on(d, front))

        assert share(with_, g) > share(without, g) + 0.2
        assert abs(share(with_, other) - share(without, other)) < 0.05

    def test_they_do_not_lower_seven_day_survival(self):
        """Paired over 400 worlds (common random numbers): observers on every front raise
        7-day survival by more than three standard errors of the paired differences."""
        diff = survival({PRESENCE: dict.fromkeys(ALL_FRONTS, 1.0)}) - survival({})
        se = diff.std(ddof=1) / np.sqrt(len(diff))
        assert diff.mean() > 3 * se

    def test_guarantors_own_observers_do_less_than_a_third_party(self):
        g = region("idlib")

        def missed(overrides):
            factor = CeasefireModel(reference(overrides), 1, rng=0).factors["missed"]
            return None if factor is None else float(factor[g, 0])

        third = missed({PRESENCE: {"idlib": 1.0}})
        own = missed({PRESENCE: {"idlib": 1.0}, "mechanisms.observers.third_party": False})
        assert third < own < 1.0
        assert missed({}) is None          # not written: no factor at all
