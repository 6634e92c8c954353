"""Buffer zones (``sim.agents.buffers``): the mechanism contract; fewer misidentified strikes
and unclear incidents on their fronts after the withdrawal deadline, none fewer before."""

from __future__ import annotations

from contract import MechanismContract
from ground import ALL_FRONTS, accidents, total, unclear, watch

from sim.agents.buffers import BufferZones


class TestBufferZones(MechanismContract):
    cls = BufferZones
    WRITTEN = {"mechanisms.buffers.fronts": ["aleppo_east"],
               "mechanisms.buffers.deadline_day": 2, "mechanisms.buffers.withdrawn": 0.7}

    def test_fewer_accidents_and_unclear_incidents_after_the_deadline_not_before(self):
        """Common random numbers: before the deadline (days 0-2) nothing differs, so the
        counts are equal exactly; after it, with 80% of contact removed on every front,
        misidentified strikes and unclear incidents fall by far more than chance allows
        (hundreds of each over 400 worlds; asked: at least a third fewer)."""
        buffer = {"mechanisms.buffers.fronts": ALL_FRONTS,
                  "mechanisms.buffers.deadline_day": 3}
        without, with_ = watch({}), watch(buffer)
        before, after = range(3), range(3, 7)
        assert total(with_, accidents, before) == total(without, accidents, before)
        assert total(with_, unclear, before) == total(without, unclear, before)
        assert total(with_, accidents, after) < total(without, accidents, after) * 2 / 3
        assert total(with_, unclear, after) < total(without, unclear, after) * 2 / 3
