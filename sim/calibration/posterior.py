"""The calibration's posterior sample, written (``write_posterior``) for every run to read.

Reading, checking and applying a posterior is the run layer's (``sim.run.posterior``).
"""

from __future__ import annotations

import json
from pathlib import Path

from sim.run.posterior import Posterior


def write_posterior(path: Path, posterior: Posterior, manifest: dict) -> None:
    """The sample as CSV (full precision) and its manifest as JSON beside it."""
    header = ",".join(posterior.paths)
    rows = "\n".join(",".join(repr(float(v)) for v in row) for row in posterior.values)
    path.write_text(f"{header}\n{rows}\n")
    path.with_suffix(".json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
