"""Bad blocks of the terms later truces used: one clear error naming the field and what was
expected (the loader's ScenarioError, which the command line prints in one line, exit 2)."""

from __future__ import annotations

import pytest
from contract import REFERENCE

from sim.scenario.errors import ScenarioError
from sim.scenario.loading import load_scenario

CASES = {
    "unknown front observed": ({"mechanisms.observers.presence": {"narnia": 0.5}},
                               "mechanisms.observers.presence", "unknown region 'narnia'"),
    "presence above one": ({"mechanisms.observers.presence": {"idlib": 1.5}},
                           "mechanisms.observers.presence.idlib", "less than or equal to 1"),
    "share withdrawn above one": ({"mechanisms.buffers.withdrawn": 2},
                                  "mechanisms.buffers.withdrawn", "less than or equal to 1"),
    "negative deadline": ({"mechanisms.buffers.deadline_day": -1},
                          "mechanisms.buffers.deadline_day", "greater than or equal to 0"),
    "unknown buffer front": ({"mechanisms.buffers.fronts": ["idlib", "atlantis"]},
                             "mechanisms.buffers.fronts", "unknown region 'atlantis'"),
    "unknown patrolled front": ({"mechanisms.patrols.fronts": ["x"]},
                                "mechanisms.patrols.fronts", "unknown region 'x'"),
    "resolution above one": ({"mechanisms.commission.resolution": 1.2},
                             "mechanisms.commission.resolution", "less than or equal to 1"),
    "area without regions": ({"mechanisms.area": {}}, "mechanisms.area.regions",
                             "required field is missing"),
    "unknown region in the area": ({"mechanisms.area.regions": ["idlib", "y"]},
                                   "mechanisms.area.regions", "unknown region 'y'"),
    "unknown field": ({"mechanisms.patrols.colour": "blue"}, "mechanisms.patrols.colour",
                      "unknown field"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_bad_block_is_one_clear_error(case):
    overrides, field, expected = CASES[case]
    with pytest.raises(ScenarioError) as error:
        load_scenario(REFERENCE, overrides)
    assert field in str(error.value) and expected in str(error.value), str(error.value)
