"""Where every replication's random numbers come from: blocks seeded from one root seed.

A run of R replications is cut into blocks of ``BLOCK`` replications (the last
one may be smaller). Block k runs in one model whose generator is seeded with
the k-th child of ``numpy.random.SeedSequence(seed)``. A replication's result
thus depends on the root seed, its block's index and its block's size, never
on how or where the blocks are run.
"""

from __future__ import annotations

import numpy as np

#: Replications simulated together in one model.
BLOCK = 1000


def block_seeds(seed: int, replications: int, block: int = BLOCK) -> list[tuple[int, int, int]]:
    """(first replication, size, seed) of each block, derived from the root seed."""
    n_blocks = -(-replications // block)
    children = np.random.SeedSequence(seed).spawn(n_blocks)
    return [(k * block, min(block, replications - k * block),
             int(child.generate_state(1, np.uint64)[0]))
            for k, child in enumerate(children)]
