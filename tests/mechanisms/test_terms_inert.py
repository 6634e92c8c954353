"""The terms later truces used are inert unless written: beside a parameter set that
writes them (observers, a buffer zone, patrols, a commission: the shipped example), the
reference's worlds run exactly as the reference alone (same seed), so comparisons with
them pair on common random numbers and change nothing of the base."""

from __future__ import annotations

import numpy as np
from contract import REFERENCE, ROOT

from sim.model.model import CeasefireModel
from sim.scenario.loading import load_scenario

EXAMPLE = ROOT / "scenarios" / "kerry_lavrov_later_terms.yaml"


def test_unwritten_terms_leave_the_base_worlds_as_they_were():
    base, other = load_scenario(REFERENCE), load_scenario(EXAMPLE)
    alone = CeasefireModel(base, 200, rng=7, record_daily=False).run()
    both = CeasefireModel(base, 200, rng=7, variants=[base, other],
                          record_daily=False).run()
    assert np.array_equal(alone.survived_to(7), both.survived_to(7)[:200])
    assert np.array_equal(alone.violations, both.violations[:200])
    assert np.array_equal(alone.reported, both.reported[:200])
    assert not np.array_equal(both.reported[:200], both.reported[200:])   # they act
