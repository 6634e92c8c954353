"""The notebook API's sweeps and stories (``api.sweep``, ``Run.story``): the same points and
replications as the command line, and bad input named as the command line names it."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim import api
from sim.present.cli import main
from sim.scenario.loading import ScenarioError

AXES = {"mechanisms.penalties.strength": {"values": [0, 2]},
        "mechanisms.monitoring.verification": {"values": [0.1, 0.6]}}


@pytest.fixture(scope="module")
def grid() -> api.Sweep:
    return api.sweep("kerry_lavrov", AXES, replications=20, seed=5)


def test_a_sweep_equals_the_command_lines(grid, tmp_path):
    """The same sweep as a file, run by ``run.py``: the same per-point table."""
    base = api.load_scenario("kerry_lavrov")
    assert base.name == grid.plan.name
    from sim.scenario.catalogue import find
    file = tmp_path / "grid.yaml"
    file.write_text(f"extends: {find('kerry_lavrov')}\nsweep:\n  parameters:\n"
                    "    mechanisms.penalties.strength: {values: [0, 2]}\n"
                    "    mechanisms.monitoring.verification: {values: [0.1, 0.6]}\n"
                    "  replications: 20\n", encoding="utf-8")
    assert main([str(file), "-s", "5", "--no-charts", "-q", "--out",
                 str(tmp_path / "out")]) == 0
    written = pd.read_parquet(tmp_path / "out" / "points.parquet")
    pd.testing.assert_frame_equal(grid.points, written, check_dtype=False)
    assert api.sweep(file, seed=5).points.equals(grid.points)


def test_a_sweep_plots_and_says_where_the_truce_survives(grid):
    assert isinstance(grid.plot(), Figure)
    assert grid.sensitivity() is None
    assert "4 points" in str(grid)


def test_a_bad_sweep_names_the_base_file_not_a_temporary_one():
    with pytest.raises(ScenarioError, match=r"kerry_lavrov\.yaml: sweep\.parameters"):
        api.sweep("kerry_lavrov", {"mechanisms.penalties.strength": {"values": [-1]}},
                  replications=5)
    with pytest.raises(ValueError, match="needs its replications"):
        api.sweep("kerry_lavrov", AXES)


def test_a_sobol_sweep_has_indices_and_a_latin_hypercube_a_box():
    sobol = api.sweep("kerry_lavrov", {k: {"range": [0, 1]} for k in AXES},
                      design={"sobol": {"base_samples": 4, "seed": 1}}, replications=10)
    assert set(sobol.sensitivity()["index"]) == {"S1", "ST"}
    assert isinstance(sobol.plot(), Figure)
    lhs = api.sweep("kerry_lavrov", {k: {"range": [0, 1]} for k in AXES},
                    design={"latin_hypercube": {"points": 30, "seed": 1}}, replications=20)
    found = lhs.discover(level=0.9)
    assert found.points == 30
    for chart in ("box", "peeling"):
        assert isinstance(lhs.plot_discovery(found, chart), Figure)


def test_a_run_tells_its_typical_replication():
    run = api.run("kerry_lavrov", replications=100, seed=5, daily=False)
    told = run.story()
    row = run.to_frame().iloc[told.story.replication]
    assert told.story.outcome["collapse_day"] == row["collapse_day"] or (
        pd.isna(told.story.outcome["collapse_day"]) and pd.isna(row["collapse_day"]))
    assert str(told).startswith(f"The story of replication {told.story.replication} of 100")
    assert told._repr_markdown_().startswith("# The story of replication")
    assert run.story(3).story.replication == 3
