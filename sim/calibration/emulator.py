"""An emulator of each truce's chance of what happened, fitted across the simulated
particles: the likelihood the corpus calibration weighs with.

A particle's chance of truce k's outcome, estimated from its own replications, is
unbiased but noisy: at 20 replications its summed log over the corpus moves by about two
log units when rerun on fresh seeds, half the spread across the priors, so weights built
on it reward luck, and a single lucky particle takes them all (the first search's
effective sample was 1.5 of 1,500). Particles near one another in the constants have
nearly the same chance, so the chance is learnt across them instead (emulation of a
stochastic simulator's likelihood: Wilkinson 2014, Drovandi, Moores and Boys 2018; the
waves of history matching, Andrianakis et al. 2015): for each truce, a logistic
regression of every replication's share of the event (``outcome_likelihood``'s
contributions, between 0 and 1) on the particle's prior quantiles, linear and squared
(a fractional, quasi-binomial fit; Papke and Wooldridge 1996), with a ridge penalty
chosen by five-fold cross-validation over the particles. Its fitted chance, smoothed as
the validation smooths (0.9 x chance + 0.1 x the reference's), is the likelihood.

The quantiles are bounded, so the fit cannot run away outside the particles; each round
of the search draws where the emulated posterior lies and the fit is refitted on every
particle so far, so it is sharpest where the weight is. What it cannot see (interactions
between constants, a chance that changes faster than a quadratic) is measured: the
report gives, per truce, the out-of-fold correlation between the fitted and the
particles' own chances.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from sim.calibration.outcome_likelihood import smoothed_log

#: The ridge penalties tried, per truce (chosen by cross-validated deviance): from almost
#: none to one that leaves only the intercept (a replication weighs 1; a search holds
#: thousands of particles of 20 each).
PENALTIES = (0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6)
FOLDS = 5
#: A chance is kept inside (EPS, 1 - EPS) when its deviance is taken.
EPS = 1e-9


def features(u: np.ndarray) -> np.ndarray:
    """An intercept, and each prior quantile and its square, each standardised under the
    prior (uniform quantiles), so one penalty shrinks all alike: (rows, 1 + 2 x dims)."""
    x = np.asarray(u, float) - 0.5
    return np.column_stack([np.ones(len(x)), x * np.sqrt(12.0),
                            (x ** 2 - 1 / 12) * np.sqrt(180.0)])


def fit(X: np.ndarray, share: np.ndarray, replications: int, penalty: float,
        steps: int = 100) -> np.ndarray:
    """Coefficients of the penalised fractional logistic fit of ``share`` (each row's
    mean over its replications) on ``X``, by Newton's method with step halving (the
    penalised deviance is convex, so each accepted step lowers it); the intercept is
    free."""
    mean = float(np.clip(share.mean(), 1e-4, 1 - 1e-4))
    coef = np.zeros(X.shape[1])
    coef[0] = np.log(mean / (1 - mean))
    ridge = np.full(X.shape[1], penalty)
    ridge[0] = 0.0

    def loss(c: np.ndarray) -> float:
        return replications * deviance(share, expit(X @ c)) + 0.5 * np.sum(ridge * c ** 2)

    current = loss(coef)
    for _ in range(steps):
        p = expit(X @ coef)
        gradient = X.T @ (replications * (share - p)) - ridge * coef
        hessian = (X.T * (replications * p * (1 - p) + 1e-12)) @ X + np.diag(ridge)
        step = np.linalg.solve(hessian, gradient)
        for _ in range(30):
            trial = loss(coef + step)
            if trial <= current:
                break
            step = step / 2
        else:
            break
        coef, current = coef + step, trial
        if np.abs(step).max() < 1e-9:
            break
    return coef


def deviance(share: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, EPS, 1 - EPS)
    return float(-np.sum(share * np.log(p) + (1 - share) * np.log1p(-p)))


@dataclass(frozen=True)
class Emulator:
    """Per truce (columns): the fit's coefficients, its penalty and its out-of-fold
    correlation with the particles' own chances; the reference chances of smoothing."""

    coef: np.ndarray              # (truces, features)
    penalty: np.ndarray           # (truces,)
    out_of_fold_r: np.ndarray     # (truces,)
    reference: np.ndarray         # (truces,)

    def chance(self, u: np.ndarray) -> np.ndarray:
        """The fitted chance of each truce's outcome at prior quantiles ``u``: (rows, truces)."""
        return expit(features(u) @ self.coef.T)

    def loglik(self, u: np.ndarray) -> np.ndarray:
        """The smoothed log-likelihood per truce at ``u``: (rows, truces)."""
        return smoothed_log(self.chance(u), self.reference)


def fitted(u: np.ndarray, shares: np.ndarray, replications: int,
           reference: np.ndarray) -> Emulator:
    """The emulator of particles at quantiles ``u`` whose replications reproduced truce k's
    outcome in share ``shares[:, k]`` (the mean of their contributions)."""
    X = features(u)
    fold = np.arange(len(u)) % FOLDS            # particles are drawn at random: folds by index
    if len(u) < FOLDS:
        raise ValueError(f"an emulator needs at least {FOLDS} particles, got {len(u)}")
    coefs, penalties, rs = [], [], []
    for k in range(shares.shape[1]):
        y = shares[:, k]
        scores = []
        for penalty in PENALTIES:
            held = np.empty(len(y))
            for f in range(FOLDS):
                test = fold == f
                held[test] = expit(X[test] @ fit(X[~test], y[~test], replications, penalty))
            scores.append((deviance(y, held), held))
        best = int(np.argmin([s for s, _ in scores]))
        held = scores[best][1]
        penalties.append(PENALTIES[best])
        rs.append(float(np.corrcoef(held, y)[0, 1]) if y.std() > 0 and held.std() > 0
                  else float("nan"))
        coefs.append(fit(X, y, replications, PENALTIES[best]))
    return Emulator(np.array(coefs), np.array(penalties), np.array(rs),
                    np.asarray(reference, float))
