"""Named random streams: one generator per random process, so processes never share numbers.

Each stream is a child of the run's seed, keyed by its name (``"government.acts"``):
``SeedSequence(seed, spawn_key=(crc32(name),))``. Adding a mechanism with a
stream of its own leaves every other stream as it was.

A run's replications come in blocks, each with its own seed; a stream draws
each block's numbers from that block's generator, so a replication's numbers
depend on its block's seed and size only. Parameter sets stacked on the
replication axis share their numbers: the drawn block is repeated once per
parameter set (common random numbers).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np


def stream_seed(seed: int, name: str) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed, spawn_key=(zlib.crc32(name.encode()),))


class Streams:
    """Uniforms in [0, 1) of fixed shape per call and stream: ``(rows, R)``, single precision
    (24 random bits: the smallest chance anything is compared with is far above 1e-7)."""

    def __init__(self, blocks: Sequence[tuple[int, int]], sets: int = 1):
        self.blocks = [(int(size), int(seed)) for size, seed in blocks]
        self.sets = sets
        self.base = sum(size for size, _ in self.blocks)
        self._generators: dict[str, list[np.random.Generator]] = {}
        self._buffers: dict[tuple[str, int], np.ndarray] = {}

    @property
    def names(self) -> list[str]:
        """The streams drawn from so far."""
        return list(self._generators)

    @property
    def replications(self) -> int:
        return self.base * self.sets

    def uniforms(self, name: str, rows: int = 1) -> np.ndarray:
        """The next ``(rows, R)`` uniforms of stream ``name``."""
        gens = self._generators.get(name)
        if gens is None:
            gens = self._generators[name] = [
                np.random.Generator(np.random.PCG64(stream_seed(seed, name)))
                for _, seed in self.blocks]
        key = (name, rows)
        out = self._buffers.get(key)
        if out is None:
            out = self._buffers[key] = np.empty((len(self.blocks), rows, max(
                size for size, _ in self.blocks)), np.float32)
        if len(gens) == 1:
            u = gens[0].random(out=out[0], dtype=np.float32)
        else:
            parts = []
            for b, (gen, (size, _)) in enumerate(zip(gens, self.blocks, strict=True)):
                parts.append(gen.random(out=out[b, :, :size], dtype=np.float32)
                             if size == out.shape[2]
                             else gen.random((rows, size), dtype=np.float32))
            u = np.concatenate(parts, axis=1)
        return np.tile(u, (1, self.sets)) if self.sets > 1 else u
