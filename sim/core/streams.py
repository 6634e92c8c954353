"""Named random streams: one generator per random process, so processes never share numbers.

Each stream is a child of the run's seed, keyed by its name (``"government.acts"``):
``SeedSequence(seed, spawn_key=(crc32(name),))``. Adding a mechanism with a
stream of its own leaves every other stream as it was.

A run's replications come in blocks, each with its own seed; a stream draws
each block's numbers from that block's generator, so a replication's numbers
depend on its block's seed and size only. Parameter sets stacked on the
replication axis share their numbers: the drawn block is repeated once per
parameter set (common random numbers).

Numbers needed only where a rare event happened (where a misidentified strike
fell, whether a convoy that set out was blocked) come from *keyed* streams: the
uniform for an event at (day, sub-step, world) is a fixed function of the
stream's key and those coordinates (a counter-based generator: the SplitMix64
finalizer of key + counter x the golden ratio). It exists whether or not the event
happens, costs nothing where nothing happens, and two scenarios run with the same
seed give the same numbers to the same (day, sub-step, world).
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
        self._keys: dict[str, np.ndarray] = {}
        self._starts = np.cumsum([0] + [size for size, _ in self.blocks])[:-1]

    @property
    def names(self) -> list[str]:
        """The streams drawn from so far."""
        return list(self._generators) + list(self._keys)

    def drawn(self) -> dict[str, tuple[int, ...]]:
        """Each stream drawn from so far and the row counts of its draws (a keyed stream:
        none): two runs whose streams of one name were drawn with the same rows got the
        same numbers from them (``sim.run.pairing``)."""
        rows: dict[str, tuple[int, ...]] = {}
        for name, count in self._buffers:
            rows[name] = (*rows.get(name, ()), count)
        return {**rows, **{name: () for name in self._keys}}

    @property
    def replications(self) -> int:
        return self.base * self.sets

    def uniforms(self, name: str, rows: int = 1, idle: np.ndarray | None = None,
                 needed: int = 0) -> np.ndarray:
        """The next ``(rows, R)`` uniforms of stream ``name``.

        ``idle`` (R,): worlds that read only the first ``needed`` rows. In a block where
        every world is idle (in every parameter set) the other rows are not computed: the
        generator skips past them, so every later draw gets the numbers it would have got,
        and they read NaN."""
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
        skip = self._idle_blocks(idle) if idle is not None and needed < rows else ()
        parts = []
        for b, (gen, (size, _)) in enumerate(zip(gens, self.blocks, strict=True)):
            part = out[b] if size == out.shape[2] else np.empty((rows, size), np.float32)
            if b in skip:
                gen.random(out=part[:needed], dtype=np.float32)
                _skip(gen, (rows - needed) * size)
                part[needed:] = np.nan
            else:
                gen.random(out=part, dtype=np.float32)
            parts.append(part)
        u = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)
        return np.tile(u, (1, self.sets)) if self.sets > 1 else u

    def _idle_blocks(self, idle: np.ndarray) -> set[int]:
        """The blocks whose every world is idle, in every parameter set."""
        per_world = np.asarray(idle, bool).reshape(self.sets, self.base).all(0)
        return {b for b, (start, (size, _)) in enumerate(zip(self._starts, self.blocks,
                                                             strict=True))
                if per_world[start:start + size].all()}

    def at(self, name: str, day: int, substep: np.ndarray, rep: np.ndarray, draws: int,
           row: np.ndarray | int = 0) -> np.ndarray:
        """Uniforms in [0, 1) of keyed stream ``name`` for events at (day, sub-step, world)
        (and ``row``, e.g. a siege), ``draws`` per event: (n, draws), double precision."""
        keys = self._keys.get(name)
        if keys is None:
            keys = self._keys[name] = np.array(
                [stream_seed(seed, name).generate_state(1, np.uint64)[0]
                 for _, seed in self.blocks], dtype=np.uint64)
        index = np.asarray(rep) % self.base                 # the same in every parameter set
        block = np.searchsorted(self._starts, index, side="right") - 1
        within = (index - self._starts[block]).astype(np.uint64)
        where = (np.uint64(day) << np.uint64(16)) + (np.asarray(row, np.uint64)
                                                     << np.uint64(8)) \
            + np.asarray(substep, np.uint64)
        counter = ((where << np.uint64(24)) | within)[:, None] * np.uint64(draws) \
            + np.arange(draws, dtype=np.uint64)
        return _unit(_mix(keys[block][:, None] + counter * _GOLDEN))


def _skip(gen: np.random.Generator, count: int) -> None:
    """Move ``gen`` past ``count`` single-precision uniforms as if it had drawn them. PCG64
    makes each from half a 64-bit word, keeping the other half for the next; ``advance``
    moves by whole words and drops a kept half, so an odd half is drawn."""
    if count == 0:
        return
    if gen.bit_generator.state["has_uint32"]:
        gen.random(1, dtype=np.float32)
        count -= 1
    gen.bit_generator.advance(count // 2)
    if count % 2:
        gen.random(1, dtype=np.float32)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix(x: np.ndarray) -> np.ndarray:
    """The SplitMix64 finalizer: a bijection of 64-bit words that scrambles every bit."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _unit(x: np.ndarray) -> np.ndarray:
    """The top 53 bits of 64-bit words as uniforms in [0, 1)."""
    return (x >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
