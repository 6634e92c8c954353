"""Regression baseline: the reference's fixed-seed summary equals the checked-in one.

A deliberate change to the model refreshes it with ``tests/baseline/refresh.py``
and commits the diff with its reason; an accidental one fails here.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "baseline"
sys.path.insert(0, str(HERE))

from refresh import baseline  # noqa: E402


def close(a, b, path="") -> list[str]:
    if isinstance(a, dict):
        keys = set(a) | set(b)
        return [d for k in sorted(keys) for d in close(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {a} != {b}"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in close(x, y, f"{path}[{i}]")]
    if isinstance(a, float) and isinstance(b, float):
        same = (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9,
                                                                  abs_tol=1e-12)
        return [] if same else [f"{path}: {a} != {b}"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def test_reference_summary_matches_the_baseline():
    stored = json.loads((HERE / "kerry_lavrov.json").read_text(encoding="utf-8"))
    differences = close(baseline(), stored)
    assert not differences, "\n".join(differences[:20])
