"""``python run.py compare``: scenarios side by side, each against the first.

Runs are small (at most 400 replications a scenario) and in-process; the shipped posterior
is the default, as for a user.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from sim.present.cli import main

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "kerry_lavrov.yaml"
COUNTERFACTUALS = sorted((ROOT / "scenarios" / "counterfactuals").glob("*.yaml"))
UNSEEN = Path(__file__).parent / "data" / "unseen_conflict.yaml"
WRITTEN = {"summary.md", "report.html", "comparison.csv", "comparison.parquet", "manifest.json",
           "survival_by_scenario.png", "comparison.png"}


@pytest.fixture(scope="module")
def all_counterfactuals(tmp_path_factory):
    """The reference against its six shipped counterfactuals, under the shipped posterior
    (400 replications: 20 draws), charts and all."""
    out = tmp_path_factory.mktemp("compare") / "out"
    code = main(["compare", str(REFERENCE), *map(str, COUNTERFACTUALS), "-r", "400",
                 "-o", str(out), "-q"])
    assert code == 0
    return out


def test_penalties_help_most_and_robustly_under_the_shipped_posterior(all_counterfactuals):
    table = pd.read_csv(all_counterfactuals / "comparison.csv")
    changes = table[~table["reference"]]
    changes = changes.set_index(changes["file"].map(lambda f: Path(f).name))
    assert changes["survival_difference"].idxmax() == "with_penalties.yaml"
    penalties = changes.loc["with_penalties.yaml"]
    assert penalties["survival_robust"] and penalties["survival_draws_in_direction"] >= 0.9
    assert penalties["survival_sampling_low"] > 0.3      # tens of points, beyond chance
    summary = (all_counterfactuals / "summary.md").read_text(encoding="utf-8")
    short = summary.split("## In short")[1].split("##")[0]
    assert "the one that helps most: **Kerry–Lavrov with penalties**" in short
    assert "a robust conclusion" in short                 # how sure, in words
    assert "across the constants’ posterior" in short     # with both intervals
    # strong verification comes close: whether penalties beat it is weighed, paired
    assert "Against the next best, **Kerry–Lavrov with strong verification**" in short
    assert "Robust helps, largest first: Kerry–Lavrov with penalties" in short   # the rest


def test_the_table_has_each_scenario_its_levels_and_its_paired_difference(
        all_counterfactuals):
    table = pd.read_csv(all_counterfactuals / "comparison.csv")
    assert table["file"].tolist() == [str(REFERENCE), *map(str, COUNTERFACTUALS)]
    assert table["reference"].tolist() == [True] + [False] * len(COUNTERFACTUALS)
    assert table["name"].iloc[-1] == "Kerry–Lavrov with penalties"   # each its own name
    reference, rest = table.iloc[0], table.iloc[1:]
    assert pd.isna(reference["survival_difference"])
    assert (rest["survival_difference"]
            - (rest["p_survive"] - reference["p_survive"])).abs().max() < 1e-12
    for level in ("p_survive", "collapse_day_median"):
        assert (table[f"{level}_sampling_low"] <= table[level]).all()
        assert (table[level] <= table[f"{level}_sampling_high"]).all()
        assert (table[f"{level}_parameters_low"] <= table[f"{level}_parameters_high"]).all()
    assert set(table["main_trigger"].dropna()) <= {"deliberate", "retaliation",
                                                   "misattribution", "spoiler", "accident",
                                                   "blocked_aid"}
    assert (pd.read_parquet(all_counterfactuals / "comparison.parquet")["p_survive"]
            == table["p_survive"]).all()


def test_it_writes_its_files_and_the_charts_it_names(all_counterfactuals):
    assert {p.name for p in all_counterfactuals.iterdir()} == WRITTEN
    summary = (all_counterfactuals / "summary.md").read_text(encoding="utf-8")
    for linked in re.findall(r"\]\(([^)]+)\)", summary):
        assert (all_counterfactuals / linked).exists(), linked
    manifest = json.loads((all_counterfactuals / "manifest.json").read_text())
    assert manifest["kind"] == "compare" and manifest["replications"] == 400
    assert manifest["constants"]["draws_used"] == 20


def test_a_scenario_against_itself_differs_by_nothing_and_runs_the_same_twice(tmp_path,
                                                                            capsys):
    for name in ("a", "b"):
        assert main(["compare", str(REFERENCE), str(REFERENCE), "-r", "200", "-s", "7",
                     "-o", str(tmp_path / name), "-q", "--no-charts"]) == 0
    out = capsys.readouterr().out
    assert "no difference" in out
    table = pd.read_csv(tmp_path / "a" / "comparison.csv")
    same = table.iloc[1]
    assert same["p_survive"] == table["p_survive"].iloc[0]
    for column in ("survival_difference", "survival_sampling_low", "survival_sampling_high",
                   "median_collapse_day_difference"):
        assert same[column] == 0, column
    assert (tmp_path / "a" / "comparison.csv").read_bytes() == \
        (tmp_path / "b" / "comparison.csv").read_bytes()     # same seed, same results
    summary = (tmp_path / "a" / "summary.md").read_text(encoding="utf-8")
    assert "None of the changes compared with" in summary


def test_at_the_posterior_median_it_says_parameter_uncertainty_is_left_out(tmp_path,
                                                                          capsys):
    penalties = ROOT / "scenarios" / "counterfactuals" / "with_penalties.yaml"
    assert main(["compare", str(REFERENCE), str(penalties), "-r", "200", "--point",
                 "-o", str(tmp_path / "o"), "-q", "--no-charts"]) == 0
    table = pd.read_csv(tmp_path / "o" / "comparison.csv")
    assert table["p_survive_parameters_low"].isna().all()
    assert table["survival_robust"].isna().all()
    assert "parameter uncertainty not included" in capsys.readouterr().out


def test_the_default_folder_is_named_after_the_comparison(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    args = ["compare", str(REFERENCE), str(COUNTERFACTUALS[0]), "-r", "50", "-q",
            "--no-charts", "--point"]
    assert main(args) == 0
    folder = re.search(r"Wrote (\S+)/", capsys.readouterr().out).group(1)
    assert re.fullmatch(r"output/compare-[0-9a-f]{8}", folder), folder
    assert main(args) == 0                     # the same comparison again: its own folder


@pytest.mark.parametrize("args, expected", [
    ([], "expected at least two scenario files"),
    ([str(REFERENCE)], "expected at least two scenario files"),
    ([str(REFERENCE), "scenarios/counterfactuals/nope.yaml"], "nope.yaml: file not found"),
    ([str(REFERENCE), str(UNSEEN)], "unseen_conflict.yaml: time.step_hours: 2 here, 1 in"),
    ([str(REFERENCE), str(ROOT / "scenarios" / "sweeps" / "patron_leverage.yaml")],
     "patron_leverage.yaml: sweep: a scenario file"),
    ([str(REFERENCE), str(REFERENCE), "-r", "0"], "--replications must be at least 1"),
    ([str(REFERENCE), str(REFERENCE), "--posterior", "nope.csv"], "nope.csv"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, args, expected):
    out = tmp_path / "out"
    assert main(["compare", *args, "-o", str(out), "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and expected in err, err
    assert not out.exists()


def test_a_folder_holding_another_run_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps(
        {"kind": "scenario", "fingerprint": "0123abcd", "scenario": {"name": "other"}}))
    assert main(["compare", str(REFERENCE), str(REFERENCE), "-r", "50", "-o", str(out),
                 "-q"]) == 2
    err = capsys.readouterr().err
    assert "holds another run's results" in err and "--force" in err


def test_run_py_dispatches_compare_from_the_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["run.py", "compare", str(REFERENCE), "-o",
                                     str(tmp_path / "o")])
    assert main() == 2                       # through sys.argv, as run.py calls it
    err = capsys.readouterr().err.strip()
    assert err == ("error: compare: expected at least two scenario files, the reference "
                   "first (e.g. python run.py compare scenarios/kerry_lavrov.yaml "
                   "scenarios/counterfactuals/*.yaml)")
