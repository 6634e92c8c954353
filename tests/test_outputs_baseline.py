"""Every output of the main job, a sweep, a Latin hypercube with its discovery, a comparison
and the calibration report is byte-identical to the stored fingerprints
(``tests/baseline/outputs.json``, made before the house was rebuilt): a refactoring must
not change behaviour. A deliberate change refreshes them with
``uv run python tests/baseline/outputs.py`` and says why in its commit."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "baseline"
sys.path.insert(0, str(HERE))

from outputs import STORED, differences, fingerprints  # noqa: E402


@pytest.mark.slow
def test_every_output_is_byte_identical_to_the_baseline():
    with tempfile.TemporaryDirectory() as tmp:
        now = fingerprints(Path(tmp))
    stored = json.loads(STORED.read_text(encoding="utf-8"))
    assert sum(map(len, stored.values())) > 400        # the baseline holds every file
    diff = differences(now, stored)
    assert not diff, "\n".join(diff[:40])
