"""The calibration report's charts (``report/*.png``): each pattern under the prior and the
posterior, what the truces say of each constant, and the constants traded off.

Drawn with pyplot and closed once saved; the command line chooses the file backend first.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from sim.calibration.spec import Calibration
from sim.run.posterior import Posterior


def short(path: str) -> str:
    """A behavioural constant's path without its ``behaviour.`` prefix."""
    return path.removeprefix("behaviour.")


def pattern_chart(cal: Calibration, checks: dict[str, np.ndarray], path: Path) -> None:
    n = len(cal.patterns)
    cols = 4
    fig, axes = plt.subplots(-(-n // cols), cols, figsize=(4 * cols, 2.6 * -(-n // cols)))
    for ax, (k, p) in zip(axes.flat, enumerate(cal.patterns)):
        prior, post = checks["prior"][:, k], checks["posterior"][:, k]
        both = np.concatenate([prior, post])
        both = both[np.isfinite(both)]
        lo = min(both.min(), p.target - p.tolerance) if len(both) else p.target - p.tolerance
        hi = max(both.max(), p.target + p.tolerance) if len(both) else p.target + p.tolerance
        bins = np.linspace(lo, hi, 30)
        ax.axvspan(p.target - p.tolerance, p.target + p.tolerance, color="tab:green",
                   alpha=0.15, label="target ± tolerance")
        ax.hist(prior[np.isfinite(prior)], bins, color="0.6", alpha=0.6, label="prior")
        ax.hist(post[np.isfinite(post)], bins, color="tab:blue", alpha=0.7, label="posterior")
        ax.axvline(p.target, color="tab:green")
        ax.set_title(p.name.replace("_", " "), fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle("Posterior predictive checks: each pattern under the prior and the posterior")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def constants_chart(rows: list[dict], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(8, 0.25 * len(rows) + 1.2))
    for y, r in enumerate(reversed(rows)):
        p = r["prior"]
        scale = p.high - p.low
        lo, hi = ((v - p.low) / scale for v in r["interval"])
        ax.plot([0, 1], [y, y], color="0.85", lw=6, solid_capstyle="butt")
        ax.plot([lo, hi], [y, y], color="tab:blue", lw=2.5)
        ax.plot((r["median"] - p.low) / scale, y, "o", color="tab:blue", ms=4)
        ax.plot((p.default - p.low) / scale, y, "|", color="k", ms=8)
    ax.set_yticks(range(len(rows)), [short(r["prior"].path) for r in reversed(rows)],
                  fontsize=7)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("position within the prior's range (grey); blue: posterior 90% and "
                  "median; |: hand-set default", fontsize=8)
    ax.set_title("What the two truces say of each constant")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def correlation_chart(posterior: Posterior, rho: np.ndarray, path: Path) -> None:
    names = [short(p) for p in posterior.paths]
    fig, ax = plt.subplots(figsize=(10, 9))
    im = ax.imshow(rho, cmap="RdBu_r", vmin=-1, vmax=1)
    ax.set_xticks(range(len(names)), names, rotation=90, fontsize=6)
    ax.set_yticks(range(len(names)), names, fontsize=6)
    fig.colorbar(im, ax=ax, shrink=0.7, label="posterior rank correlation")
    ax.set_title("Constants the data trade off against each other")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
