"""The terms later truces used are inert unless written: beside a parameter set that
writes them (observers, a buffer zone, patrols, a commission: the shipped example; a
guarantor's threat; counter-terror strikes), the reference's worlds run exactly as the
reference alone (same seed), so comparisons with them pair on common random numbers and
change nothing of the base."""

from __future__ import annotations

import numpy as np
import pytest
from contract import REFERENCE, ROOT

from sim.model.model import CeasefireModel
from sim.scenario.loading import load_scenario

EXAMPLE = ROOT / "scenarios" / "kerry_lavrov_later_terms.yaml"

WRITTEN = {
    "later terms (the shipped example)": (EXAMPLE, {}),
    "a guarantor's threat": (REFERENCE, {"mechanisms.threat": {"by": "united_states",
                                                                "strength": 4.0}}),
    "counter-terror strikes": (REFERENCE, {"mechanisms.counter_terror": {
        "strikers": ["russia", "government"], "rate": 2.0}}),
    "a road to clear before aid": (REFERENCE, {"mechanisms.humanitarian.pullback":
                                               ["aleppo_east"]}),
}


@pytest.mark.parametrize("file, terms", WRITTEN.values(), ids=WRITTEN.keys())
def test_unwritten_terms_leave_the_base_worlds_as_they_were(file, terms):
    base, other = load_scenario(REFERENCE), load_scenario(file, terms or None)
    alone = CeasefireModel(base, 200, rng=7, record_daily=False).run()
    both = CeasefireModel(base, 200, rng=7, variants=[base, other],
                          record_daily=False).run()
    assert np.array_equal(alone.survived_to(7), both.survived_to(7)[:200])
    assert np.array_equal(alone.violations, both.violations[:200])
    assert np.array_equal(alone.reported, both.reported[:200])
    assert not np.array_equal(both.reported[:200], both.reported[200:])   # they act
