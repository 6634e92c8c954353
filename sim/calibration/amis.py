"""Adaptive multiple importance sampling (Cornuet, Marin, Mira and Robert 2012) on the
priors' logistic scale.

A constant's prior quantile u (uniform on 0-1) is written z = logit(u), whose prior is the
standard logistic density; proposals are mixtures in z, so they never leave the priors'
support. The first round draws from the priors; each later round draws a ``defensive``
share from the priors and the rest from Gaussian kernels centred on the best particles so
far (the ``centres`` of highest weight, equally weighted), each as wide, constant by
constant, as those particles are spread. After every round, every particle of every
round is weighted against the mixture of all the rounds' proposals (the deterministic
mixture of AMIS): weight = prior x likelihood / (sum over rounds of n_r q_r) / n.

A share of the centres (``steered``) may instead be the particles of best ``steer``
score, a graded distance to what was observed that still ranks particles where every
one's likelihood sits at its floor (history matching's implausibility: Vernon, Goldstein
and Bower 2010): the search is sent towards the region the data point to before any
particle reaches it. Only where the next particles are drawn changes: every weight is
still the likelihood against the mixture of the proposals actually used, so the target
is the same posterior.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: The narrowest kernel, on the logistic scale (the prior's sd is pi / sqrt(3) = 1.8).
MIN_SCALE = 0.05


def to_z(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 1e-12, 1 - 1e-12)
    return np.log(u) - np.log1p(-u)


def to_u(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def log_prior(z: np.ndarray) -> np.ndarray:
    """The priors' log density in z (rows), standard logistic in every constant."""
    return np.sum(-np.abs(z) - 2.0 * np.log1p(np.exp(-np.abs(z))), axis=-1)


@dataclass(frozen=True)
class Proposal:
    """A round's proposal: the priors (no centres), or the defensive mixture."""

    centres: np.ndarray | None = None     # (M, J) on the logistic scale
    scale: np.ndarray | None = None       # (J,)
    defensive: float = 1.0

    def sample(self, rng: np.random.Generator, n: int, dims: int) -> np.ndarray:
        prior = to_z(rng.random((n, dims)))
        if self.centres is None:
            return prior
        which = rng.integers(0, len(self.centres), n)
        kernel = self.centres[which] + self.scale * rng.standard_normal((n, dims))
        return np.where((rng.random(n) < self.defensive)[:, None], prior, kernel)

    def log_density(self, z: np.ndarray) -> np.ndarray:
        if self.centres is None:
            return log_prior(z)
        d = (z[:, None, :] - self.centres[None, :, :]) / self.scale
        log_k = (-0.5 * np.sum(d ** 2, axis=-1) - np.sum(np.log(self.scale))
                 - 0.5 * z.shape[1] * np.log(2 * np.pi))
        kernels = np.logaddexp.reduce(log_k, axis=1) - np.log(len(self.centres))
        return np.logaddexp(np.log(self.defensive) + log_prior(z),
                            np.log1p(-self.defensive) + kernels) \
            if self.defensive < 1 else log_prior(z)


def fitted(z: np.ndarray, log_weight: np.ndarray, centres: int, defensive: float,
           score: np.ndarray | None = None, steered: int = 0) -> Proposal:
    """The next round's proposal from the particles so far and their log weights: kernels
    on the ``centres`` best, ``steered`` of them (if a ``score`` is given) the best by
    score among those not already chosen by weight."""
    steered = min(steered, centres) if score is not None else 0
    best = np.argsort(-log_weight, kind="stable")[:centres - steered]
    if steered:
        rest = np.setdiff1d(np.arange(len(z)), best)
        best = np.concatenate([best, rest[np.argsort(-score[rest], kind="stable")[:steered]]])
    spread = z[best].std(axis=0) if len(best) > 1 else np.ones(z.shape[1])
    return Proposal(z[best].copy(), np.maximum(spread, MIN_SCALE), defensive)


def log_weights(z: np.ndarray, loglik: np.ndarray, proposals: list[Proposal],
                sizes: list[int]) -> np.ndarray:
    """Every particle's log weight against the deterministic mixture of the proposals
    (``sizes``: particles drawn from each), unnormalised."""
    n = sum(sizes)
    mix = np.logaddexp.reduce(np.stack([np.log(k / n) + q.log_density(z)
                                        for q, k in zip(proposals, sizes, strict=True)]),
                              axis=0)
    return loglik + log_prior(z) - mix


def run(loglik_of: Callable[[np.ndarray, int], np.ndarray], dims: int, rounds: int,
        particles: int, centres: int, defensive: float,
        rng_of: Callable[[int], np.random.Generator],
        after_round: Callable[[int, np.ndarray], None] | None = None,
        reassess: Callable[[np.ndarray], np.ndarray] | None = None,
        steer: Callable[[np.ndarray], np.ndarray] | None = None, steered: int = 0
        ) -> tuple[np.ndarray, np.ndarray, list[Proposal]]:
    """``rounds`` of ``particles``: every particle so far (z), its log-likelihood and the
    rounds' proposals. ``loglik_of(z, first)`` gives the log-likelihood of new particles
    (rows, numbered from ``first``); ``rng_of(r)`` round r's generator; ``after_round(r,
    log_weights)`` sees every particle's log weight after round r; ``reassess(z)``,
    if given, gives after each round the log-likelihood of every particle so far that
    the weights use instead (an emulator refitted on them all); ``steer(z)``, if given,
    the score by which ``steered`` of a later round's centres are chosen."""
    z, ll, proposals = np.empty((0, dims)), np.empty(0), []
    raw = np.empty(0)
    for r in range(rounds):
        q = Proposal() if r == 0 else fitted(
            z, log_weights(z, ll, proposals, [particles] * r), centres, defensive,
            steer(z) if steer else None, steered)
        new = q.sample(rng_of(r), particles, dims)
        proposals.append(q)
        raw = np.concatenate([raw, loglik_of(new, len(z))])
        z = np.concatenate([z, new])
        ll = reassess(z) if reassess else raw
        if after_round:
            after_round(r, log_weights(z, ll, proposals, [particles] * (r + 1)))
    return z, ll, proposals
