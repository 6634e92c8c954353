"""Scenario discovery with PRIM: it recovers a known box, and the command line writes the
charts and the summary's section for a sweep and refuses what is not one.

The known box: survival is high exactly where x ≥ 0.6 and y ≥ 0.3 (two more parameters
do nothing), on 400 uniform points, with binomial noise of 50 replications a point. PRIM
peels 5% of the points at a time, so a limit lands within about one peel of the truth:
0.05 of the range is the tolerance.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest


from sim.analysis.discovery import choose, discover  # noqa: E402
from sim.present.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "kerry_lavrov.yaml"
TOLERANCE = 0.05


def synthetic_points(n: int = 400, seed: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    points = pd.DataFrame(rng.random((n, 4)), columns=["x", "y", "z", "w"])
    inside = (points["x"] >= 0.6) & (points["y"] >= 0.3)
    points["p_survive"] = rng.binomial(50, np.where(inside, 0.85, 0.2)) / 50
    return points


def test_prim_recovers_the_box_where_the_truce_survives():
    found = discover(synthetic_points(), ["x", "y", "z", "w"], level=0.5, min_coverage=0.5)
    limits = found.box().set_index("parameter")
    assert set(limits.index[limits["restricted"]]) == {"x", "y"}
    assert abs(limits.at["x", "low"] - 0.6) <= TOLERANCE
    assert abs(limits.at["y", "low"] - 0.3) <= TOLERANCE
    assert limits.at["x", "high"] == found.ranges["x"][1]   # no upper limit
    stats = found.stats()
    assert stats["density"] >= 0.95 and stats["coverage"] >= 0.9
    assert (limits.loc[["x", "y"], "quasi_p"] < 1e-6).all()
    assert found.conditions()[0].startswith(("x ≥ 0.", "y ≥ 0."))
    # the same table, the same boxes
    again = discover(synthetic_points(), ["x", "y", "z", "w"])
    pd.testing.assert_frame_equal(found.limits, again.limits)


def test_the_rule_picks_the_densest_box_with_enough_coverage():
    trajectory = pd.DataFrame({"box": [0, 1, 2, 3], "coverage": [1.0, 0.8, 0.5, 0.3],
                               "density": [0.3, 0.7, 0.9, 1.0]})
    assert choose(trajectory, 0.5) == 2
    assert choose(trajectory, 0.9) == 0     # the whole space always qualifies
    trajectory["density"] = [0.3, 0.9, 0.9, 1.0]
    assert choose(trajectory, 0.5) == 1     # equally dense: the one covering more


@pytest.fixture(scope="module")
def lhs_sweep(tmp_path_factory) -> Path:
    """A tiny Latin-hypercube sweep (30 points x 20 replications, a day past the truce)
    over weak penalties, verification and commitment, where survival varies from 5% to
    100%. Run in this process, as the command line runs it: a subprocess would double
    the time."""
    folder = tmp_path_factory.mktemp("lhs")
    (folder / "lhs.yaml").write_text(
        f"extends: {REFERENCE}\nname: tiny LHS\ntime: {{horizon_days: 8}}\nsweep:\n"
        "  parameters:\n    mechanisms.penalties.strength: {range: [0, 1]}\n"
        "    mechanisms.monitoring.verification: {range: [0, 0.4]}\n"
        "    actors.russia.commitment: {range: [0, 0.5]}\n"
        "  design: {latin_hypercube: {points: 30, seed: 3}}\n  replications: 20\n",
        encoding="utf-8")
    assert main([str(folder / "lhs.yaml"), "--out", str(folder / "out"), "-q"]) == 0
    return folder / "out"


def test_a_latin_hypercube_sweep_gets_its_discovery_section(lhs_sweep):
    summary = (lhs_sweep / "summary.md").read_text(encoding="utf-8")
    heading = "## Where the truce survives with high probability (scenario discovery, PRIM)"
    assert summary.count(heading) == 1
    assert summary.index(heading) < summary.index("## Charts")
    assert "A point counts as surviving when the truce survives its 7 days" in summary
    assert "![The peeling trajectory" in summary
    for chart in ("discovery_peeling.png", "discovery_box.png"):
        assert (lhs_sweep / chart).read_bytes().startswith(b"\x89PNG")


def test_discover_writes_the_charts_table_and_section(lhs_sweep, capsys):
    for chart in ("discovery_peeling.png", "discovery_box.png"):
        (lhs_sweep / chart).unlink(missing_ok=True)
    assert main(["discover", str(lhs_sweep), "--level", "0.8", "--min-coverage", "0.6"]) == 0
    assert "Scenario discovery (PRIM): the truce survives its 7 days in at least 80%" \
        in capsys.readouterr().out
    for chart in ("discovery_peeling.png", "discovery_box.png"):
        assert (lhs_sweep / chart).read_bytes().startswith(b"\x89PNG")
    table = pd.read_csv(lhs_sweep / "discovery.csv")
    assert table["chosen"].sum() == 1 and table.loc[0, "coverage"] == 1
    chosen = table[table["chosen"]].iloc[0]
    assert chosen["coverage"] >= 0.6
    summary = (lhs_sweep / "summary.md").read_text(encoding="utf-8")
    assert summary.count("(scenario discovery, PRIM)") == 1     # replaced, not added
    assert "at least 80% of its replications" in summary
    assert f"coverage {chosen['coverage']:.0%}" in summary
    assert "![The peeling trajectory" in summary and "discovery_box.png" in summary


@pytest.mark.parametrize("make, field", [
    (lambda d: d, "manifest.json"),                                          # empty folder
    (lambda d: (d / "manifest.json").write_text('{"kind": "scenario"}') and d, "manifest.json"),
    (lambda d: d / "absent", "not found"),
    (lambda d: (d / "manifest.json").write_text('{"kind": "sweep", "sweep": {"parameters": '
                                                '["a"], "name": "n"}}') and d, "points.csv"),
])
def test_a_folder_that_is_not_a_sweeps_output_is_one_line(tmp_path, make, field, capsys):
    assert main(["discover", str(make(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and field in err and len(err.strip().splitlines()) == 1


def test_a_level_outside_zero_to_one_is_one_line(tmp_path, capsys):
    assert main(["discover", str(tmp_path), "--level", "1.5"]) == 2
    err = capsys.readouterr().err
    assert "--level" in err and len(err.strip().splitlines()) == 1


def test_without_the_workbench_discover_says_how_to_get_it_and_a_sweep_notes_it(
        lhs_sweep, tmp_path, monkeypatch, capsys):
    from sim.present.commands import discover as command
    monkeypatch.setattr(command, "available", lambda: False)
    assert main(["discover", str(lhs_sweep)]) == 2
    err = capsys.readouterr().err
    assert "ceasefire-sim[discovery]" in err and len(err.strip().splitlines()) == 1
    (tmp_path / "summary.md").write_text("# Sweep\n\n## Charts\n", encoding="utf-8")
    lines, written = command.sweep_discovery(pd.DataFrame(), None, tmp_path)
    assert written == [] and "ceasefire-sim[discovery]" in lines[-1]
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.index("needs the EMA Workbench") < summary.index("## Charts")


# -- no point of interest (issue 18): a sentence, not an IndexError ---------------------

@pytest.mark.parametrize("scale, of_interest", [(0.5, 0), (None, 400)])
def test_no_point_or_every_point_of_interest_is_the_whole_space(scale, of_interest):
    points = synthetic_points()
    points["p_survive"] = points["p_survive"] * scale if scale else 1.0
    found = discover(points, ("x", "y", "z", "w"), level=0.95 if scale else 0.5)
    assert found.of_interest == of_interest and found.points == 400
    assert found.chosen == found.reported == 0 and found.conditions() == []
    assert len(found.trajectory) == 1 and found.stats()["mass"] == 1


def test_choose_without_any_point_of_interest_is_the_whole_space():
    trajectory = pd.DataFrame({"box": [0, 1], "coverage": [np.nan, np.nan],
                               "density": [0.0, 0.0]})
    assert choose(trajectory, 0.5) == 0


def test_discover_where_no_point_reaches_the_level_says_so(lhs_sweep, tmp_path, capsys):
    import shutil
    folder = tmp_path / "copy"
    shutil.copytree(lhs_sweep, folder)
    points = pd.read_csv(folder / "points.csv")   # a sweep where no point reaches 95%
    points["p_survive"] = points["p_survive"].clip(upper=0.9)
    points.to_csv(folder / "points.csv", index=False)
    capsys.readouterr()
    assert main(["discover", str(folder), "--level", "0.95"]) == 0
    out = capsys.readouterr().out
    assert "no box: no point reaches the level" in out and "at least 95%" in out
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    assert "No box: no point reaches the level" in summary


@pytest.mark.parametrize("cut", ["rows", "ids"])
def test_a_points_table_cut_short_is_refused_naming_the_count(lhs_sweep, tmp_path, cut,
                                                              capsys):
    """A truncated points.csv (a copy cut off, a spreadsheet's edit) is not a smaller sweep:
    discover refuses it, naming how many points the sweep's manifest has."""
    import shutil
    folder = tmp_path / "copy"
    shutil.copytree(lhs_sweep, folder)
    points = pd.read_csv(folder / "points.csv")
    if cut == "rows":
        points = points.iloc[: len(points) // 2]
    else:                                   # as many rows, one point twice
        points.loc[points.index[-1], "point"] = points["point"].iloc[0]
    points.to_csv(folder / "points.csv", index=False)
    capsys.readouterr()
    assert main(["discover", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "points.csv" in err and "cut short or edited" in err and "Traceback" not in err


def test_a_latin_hypercube_sweep_where_no_point_survives_writes_its_table(tmp_path, capsys):
    """Spoilers at their most active and every convoy struck: at none of the points does
    the truce survive its week in a single replication of ten (checked below, not assumed)."""
    (tmp_path / "doomed.yaml").write_text(
        f"extends: {REFERENCE}\nname: doomed LHS\ntime: {{horizon_days: 8}}\n"
        "actors: {government: {discipline: 0.0}, opposition: {discipline: 0.0}}\n"
        "sweep:\n  parameters:\n    mechanisms.spoilers.activity: {range: [19, 20]}\n"
        "    mechanisms.humanitarian.strike_risk: {range: [0.9, 1]}\n"
        "  design: {latin_hypercube: {points: 6, seed: 3}}\n  replications: 10\n",
        encoding="utf-8")
    out = tmp_path / "out"
    capsys.readouterr()
    assert main([str(tmp_path / "doomed.yaml"), "--out", str(out), "-q"]) == 0
    printed = capsys.readouterr().out
    points = pd.read_csv(out / "points.csv")
    assert len(points) == 6 and (points["p_survive"] == 0).all()
    assert "no box: no point reaches the level" in printed
    assert "No box: no point reaches the level" in (out / "summary.md").read_text("utf-8")
    assert main([str(tmp_path / "doomed.yaml"), "--out", str(out), "-q"]) == 0   # rerun
