"""How a sweep is cut into work: chunks of (point, block of replications), each with its seed.

Block seeds come from ``sim.run.seeding``, the same at every point, so points share
their random numbers and a point equals a single run with the same seed. The
fingerprint of a sweep's results covers its plan and the block size.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.run.seeding import BLOCK, block_seeds

if TYPE_CHECKING:
    from sim.scenario.sweep import SweepPlan


@dataclass(frozen=True)
class Chunk:
    """One unit of work: replications [first, first + size) of one point."""

    point: int
    block: int
    first: int
    size: int
    seed: int

    @property
    def key(self) -> str:
        return f"p{self.point:06d}-b{self.block:04d}"


def block_size(plan: SweepPlan) -> int:
    return min(BLOCK, plan.replications)


def chunks(plan: SweepPlan) -> list[Chunk]:
    """Every chunk of the sweep, point by point."""
    blocks = block_seeds(plan.seed, plan.replications, block_size(plan))
    return [Chunk(p, b, first, size, seed) for p in range(len(plan.scenarios))
            for b, (first, size, seed) in enumerate(blocks)]


def fingerprint(plan: SweepPlan) -> str:
    """Identity of the results a sweep produces (refuses mixing stores)."""
    return hashlib.sha256(f"{plan.fingerprint()}/{BLOCK}".encode()).hexdigest()[:16]


def describe(plan: SweepPlan) -> dict:
    """The plan's description with its chunking."""
    return plan.describe() | {"chunks": len(chunks(plan)), "block": block_size(plan)}
