"""Rank correlations of the calibration: which constants the patterns respond to (the
screening) and which the posterior trades off (the report)."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata


def rank_correlation(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman correlations of each column of ``x`` with each column of ``y``: ties share
    their average rank (many statistics tie: shares of few replications), and a
    statistic a simulation could not compute takes its column's median."""
    y = np.where(np.isnan(y), np.nanmedian(y, axis=0), y)
    rx, ry = (rankdata(a, axis=0) for a in (x, y))
    rx, ry = ((r - r.mean(0)) / np.maximum(r.std(0), 1e-12) for r in (rx, ry))
    return rx.T @ ry / len(x)
