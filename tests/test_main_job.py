"""The main job as a user runs it: files, report, charts; any scenario, not only ours."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import cli, run_main
from sim.model.results import TRIGGERS
from sim.present.cli import main
from sim.scenario.counterfactuals import counterfactuals_of, load_counterfactual

ROOT = Path(__file__).resolve().parents[1]
OUTCOME_COLUMNS = (
    "replication", "posterior_draw", "block_seed", "index_in_block", "survived",
    "survived_to_horizon", "collapse_day", "collapse", "formal_collapse_day",
    "de_facto_collapse_day", "declared_by", "trigger", "jic_activated", "jic_start_day",
    "civilian_harm", "aid_trucks_delivered", "convoys_delivered", "convoys_blocked",
    "convoys_struck", "spoiler_attacks")
UNSEEN = Path(__file__).parent / "data" / "unseen_conflict.yaml"


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reference")
    done = cli("scenarios/kerry_lavrov.yaml", "--replications", "400", "--seed", "5",
               "--out", out)
    assert done.returncode == 0, done.stderr
    return out, done.stdout


@pytest.mark.slow   # a run.py subprocess: imports, a run, charts
def test_prints_the_summary_a_user_asked_for(reference_run):
    _, stdout = reference_run
    for expected in ("Truce survives its 7 days:", "(sampling ", "400 replications",
                     "neither declared over nor back to war on the ground",
                     "Survives 14 days:", "Declared over within 14 days:",
                     "fell apart on the ground before any declaration:", "JIC activated:",
                     "Collapse day (first collapse, formal or de facto): median",
                     "Declared over by:", "Triggers of declarations:",
                     "Fronts holding (mean share): day 1", "reported by the other side",
                     "admitted", "Civilian harm", "Aid delivered"):
        assert expected in stdout, expected
    # the headline is the share the table says survived
    table = pd.read_csv(reference_run[0] / "replications.csv")
    share = re.search(r"Truce survives its 7 days: ([\d.]+)%", stdout).group(1)
    assert float(share) == pytest.approx(100 * table["survived"].mean(), abs=0.05)


@pytest.mark.slow   # a run.py subprocess: imports, a run, charts
def test_writes_tables_in_csv_and_parquet_that_agree(reference_run):
    out, _ = reference_run
    for name in ("replications", "daily"):
        csv = pd.read_csv(out / f"{name}.csv")
        parquet = pd.read_parquet(out / f"{name}.parquet")
        assert list(csv.columns) == list(parquet.columns)
        assert len(csv) == len(parquet) > 0
    table = pd.read_csv(out / "replications.csv", keep_default_na=False, na_values=[""])
    assert len(table) == 400
    assert set(OUTCOME_COLUMNS) <= set(table.columns), set(OUTCOME_COLUMNS) - set(table.columns)
    for party in ("government", "opposition", "russia", "united_states"):
        for column in (f"violations_{party}", f"reported_{party}_by_other_side",
                       f"admitted_{party}"):
            assert column in table and (table[column] >= 0).all()
    assert "violations_nusra" not in table                  # spoilers are not parties
    assert any(c.startswith("final_trust_") for c in table.columns)
    assert table["replication"].tolist() == list(range(400))
    # the main job runs each replication under a posterior draw, r mod the draws used
    assert "parameter_set" not in table
    assert (table["posterior_draw"] == table["replication"] % (400 // 20)).all()
    assert set(table["survived"]) <= {True, False}
    formal, de_facto = table["formal_collapse_day"], table["de_facto_collapse_day"]
    first = pd.concat([formal, de_facto], axis=1).min(axis=1)
    assert table["collapse_day"].equals(first.rename("collapse_day"))
    assert (table["collapse_day"].isna() | (table["collapse_day"] >= 0)).all()   # 0: at war from day 1
    assert (table["collapse_day"].dropna() <= 14).all()
    assert table["survived"].equals(table["collapse_day"].isna() | (table["collapse_day"] > 7))
    assert table["survived_to_horizon"].equals(table["collapse_day"].isna())
    kind = table["collapse"].fillna("")
    assert set(kind) <= {"", "formal", "de facto"}
    assert (kind == "").equals(table["collapse_day"].isna())
    assert ((kind == "formal") == (formal.notna() & (formal == table["collapse_day"]))).all()
    # a declaration names who declared and why; none, neither
    assert table["declared_by"].notna().equals(formal.notna())
    assert table["trigger"].notna().equals(formal.notna())
    assert set(table["declared_by"].dropna()) <= {"government", "opposition", "russia",
                                                   "united_states"}
    assert set(table["trigger"].dropna()) <= set(TRIGGERS)
    assert table["jic_activated"].equals(table["jic_start_day"].notna())
    convoys = table[["convoys_delivered", "convoys_blocked", "convoys_struck"]]
    assert (convoys >= 0).all().all()


@pytest.mark.slow   # a run.py subprocess: imports, a run, charts
def test_summary_md_links_charts_that_exist(reference_run):
    out, _ = reference_run
    summary = (out / "summary.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", summary)
    assert {"survival.png", "violence.png", "fronts.png", "trust.png", "triggers.png",
            "aid.png"} <= set(images)
    for image in images:
        data = (out / image).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000, image


@pytest.mark.slow   # a run.py subprocess: imports, a run, charts
def test_manifest_records_how_to_reproduce(reference_run):
    out, _ = reference_run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 5 and manifest["replications"] == 400
    assert manifest["scenario"]["name"].startswith("Kerry")
    assert "mesa" in manifest["versions"]


def test_default_output_folder_is_named_and_printed(tmp_path, monkeypatch, capsys):
    """Without --out the run goes to output/<scenario>-<fingerprint> under the directory it
    is started in (main() in-process, started in tmp_path, as run.py would be there)."""
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = run_main([UNSEEN, "-r", "50", "--no-charts", "-q"], capsys)
    assert code == 0, stderr
    folder = re.search(r"Wrote (\S+)/", stdout).group(1)
    assert (tmp_path / folder / "summary.md").exists()
    assert folder.startswith("output/unseen_conflict-")


@pytest.mark.slow   # a run.py subprocess: imports, a run, charts
def test_an_unseen_scenario_runs_end_to_end(tmp_path):
    done = cli(UNSEEN, "-r", "200", "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(tmp_path / "replications.csv")
    assert set(table["declared_by"].dropna()) <= {"north", "south", "ankara", "tehran"}
    assert (tmp_path / "trust.png").exists()


def test_set_overrides_change_the_result(tmp_path, capsys):
    """--set through the command line, in-process (the flag is parsed and applied by main();
    the scenario alone: the counterfactuals are not what is compared here)."""
    base = run_main([REFERENCE, "-r", "300", "--out", tmp_path / "a",
                     "--no-charts", "--no-compare", "-q"], capsys)
    strict = run_main([REFERENCE, "-r", "300", "--out", tmp_path / "b",
                       "--no-charts", "--no-compare", "-q", "--set",
                       "mechanisms.penalties.strength=5"], capsys)
    assert base[0] == strict[0] == 0, (base[2], strict[2])
    a = pd.read_csv(tmp_path / "a" / "replications.csv")["survived"].mean()
    b = pd.read_csv(tmp_path / "b" / "replications.csv")["survived"].mean()
    assert b > a + 0.2


def test_no_code_path_names_a_scenario_actor_or_region():
    """Calibration lives in scenario files: the package never special-cases a name. The one
    exception is the catalogue's ``DEFAULT``, the scenario a surface opens when none is
    named (the app), which is a file to open, not a behaviour."""
    from sim.scenario.catalogue import DEFAULT
    allowed = {ROOT / "sim" / "scenario" / "catalogue.py": {DEFAULT}}
    names = {"government", "opposition", "nusra", "isis", "russia", "united_states",
             "aleppo_east", "idlib", "damascus_ghouta", "kerry_lavrov"}
    paths = sorted((ROOT / "sim").rglob("*.py"))
    assert len(paths) > 30                                  # every layer, not only sim/
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                      and node.body and isinstance(node.body[0], ast.Expr)}
        strings = {node.value.lower() for node in ast.walk(tree)
                   if isinstance(node, ast.Constant) and isinstance(node.value, str)
                   and id(node) not in docstrings}
        named = strings & names - allowed.get(path, set())
        assert not named, f"{path.relative_to(ROOT)} names {named}"


# -- both uncertainties, and the scenario's counterfactuals ---------------------------------

REFERENCE = ROOT / "scenarios" / "kerry_lavrov.yaml"
SHIPPED_COUNTERFACTUALS = ("full_separation.yaml", "jic_day_one.yaml",
                           "no_intelligence_sharing.yaml", "no_spoilers.yaml",
                           "strong_verification.yaml", "with_penalties.yaml")


@pytest.fixture(scope="module")
def posterior_file(tmp_path_factory) -> Path:
    """Ten draws of two influential constants, spread over plausible ranges."""
    path = tmp_path_factory.mktemp("posterior") / "posterior.csv"
    rng = np.random.default_rng(5)
    rows = [f"{rng.uniform(1.0, 3.0)!r},{rng.uniform(0.3, 0.7)!r}" for _ in range(10)]
    path.write_text("behaviour.party.blame_cost,behaviour.beliefs.prior\n"
                    + "\n".join(rows) + "\n")
    return path


def test_a_scenarios_counterfactuals_are_the_files_beside_it_that_extend_it(tmp_path):
    (tmp_path / "counterfactuals").mkdir()
    files = {
        "base.yaml": f"extends: {REFERENCE}\nname: base\n",
        "other.yaml": f"extends: {REFERENCE}\nname: other\n",
        "counterfactuals/a.yaml": "extends: ../base.yaml\nname: a\n",
        "counterfactuals/b.yml": "extends: ./../base.yaml\nname: b\n",
        "counterfactuals/of_other.yaml": "extends: ../other.yaml\nname: c\n",
        "counterfactuals/of_a.yaml": "extends: a.yaml\nname: d\n",           # not directly
        "counterfactuals/sweep.yaml": "extends: ../base.yaml\nsweep: {}\n",  # a sweep
        "counterfactuals/standalone.yaml": "name: e\n",
        "counterfactuals/notes.txt": "extends: ../base.yaml\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert [f.name for f in counterfactuals_of(tmp_path / "base.yaml")] == ["a.yaml", "b.yml"]
    assert [f.name for f in counterfactuals_of(tmp_path / "other.yaml")] == ["of_other.yaml"]
    assert counterfactuals_of(tmp_path / "counterfactuals" / "a.yaml") == []   # no folder
    assert tuple(f.name for f in counterfactuals_of(REFERENCE)) == SHIPPED_COUNTERFACTUALS


def test_set_applies_to_a_counterfactual_beneath_its_own_values():
    file = ROOT / "scenarios" / "counterfactuals" / "with_penalties.yaml"
    sc = load_counterfactual(file, {"mechanisms.penalties.strength": 1.0,
                                    "mechanisms.monitoring.verification": 0.6})
    assert sc.mechanisms.penalties.strength == 3.0          # the file's own change wins
    assert sc.mechanisms.monitoring.verification == 0.6     # the rest as the base is run


@pytest.mark.parametrize("compare, field", [
    (str(UNSEEN), ": time.step_hours: 2 here, 1 in"),        # another time: named
    ("scenarios/counterfactuals/nope.yaml", "file not found"),
])
def test_a_compare_file_that_cannot_be_compared_is_one_line_and_exit_2(tmp_path, capsys,
                                                                       compare, field):
    out = tmp_path / "out"
    assert main([str(REFERENCE), "-r", "50", "--compare", compare, "--out", str(out),
                 "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and compare in err and field in err, err
    assert not out.exists()


def test_a_sweep_is_not_compared(tmp_path, capsys):
    sweep = ROOT / "scenarios" / "sweeps" / "patron_leverage.yaml"
    assert main([str(sweep), "--compare", str(REFERENCE), "--out", str(tmp_path / "o")]) == 2
    assert "--compare" in capsys.readouterr().err


def _run(tmp_path: Path, capsys, name: str, *args: str) -> tuple[Path, str]:
    out = tmp_path / name
    assert main([str(REFERENCE), "-r", "400", "--seed", "3", "--out", str(out), "-q",
                 "--no-charts", *args]) == 0
    return out, capsys.readouterr().out


def test_under_a_posterior_every_answer_has_both_intervals(tmp_path, capsys, posterior_file):
    out, stdout = _run(tmp_path, capsys, "post", "--posterior", str(posterior_file))
    headline = next(line for line in stdout.splitlines() if line.startswith("Truce survives"))
    assert re.search(r"\(sampling [\d.]+–[\d.]+%; parameters [\d.]+–[\d.]+%\)", headline)
    assert "under 10 posterior draws" in headline
    for start in ("Survives 14 days:", "Collapse day"):
        line = next(line for line in stdout.splitlines() if line.startswith(start))
        assert "sampling" in line and "parameters" in line, line
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "; parameters " in summary and "method of moments" in summary
    # every shipped counterfactual compared, in words, in the terminal and in a table
    assert "## Which changes to the deal would have helped" in summary
    assert "**In short.** Robust helps, largest first:" in summary
    assert "a robust conclusion" in summary
    assert "Changes to the deal: survival at day 7" in stdout and "Robust helps, largest first:" in stdout
    table = pd.read_csv(out / "comparison.csv")
    assert tuple(Path(f).name for f in table["file"]) == SHIPPED_COUNTERFACTUALS
    penalties = table.set_index(table["file"].map(lambda f: Path(f).name)).loc[
        "with_penalties.yaml"]
    assert penalties["survival_difference"] > 0.2 and penalties["survival_robust"]
    assert penalties["survival_parameters_low"] <= penalties["survival_difference"] \
        <= penalties["survival_parameters_high"]
    # the per-draw table, raw, from which the intervals can be redone
    draws = pd.read_csv(out / "draws.csv")
    reps = pd.read_csv(out / "replications.csv")
    assert draws["draw"].tolist() == list(range(10))
    assert draws["replications"].sum() == 400
    assert draws["replications"].tolist() == reps["posterior_draw"].value_counts().sort_index(
        ).tolist()
    by_draw = reps.groupby("posterior_draw")["survived"].mean()
    assert np.allclose(draws["survival_day_7"], by_draw)
    assert "behaviour.party.blame_cost" in draws


def test_at_the_posterior_median_parameter_uncertainty_is_said_to_be_left_out(
        tmp_path, capsys, posterior_file):
    out, stdout = _run(tmp_path, capsys, "point", "--posterior", str(posterior_file),
                       "--point")
    assert "parameter uncertainty, that of the behavioural constants, is not included" \
        in stdout
    assert "parameters" not in next(line for line in stdout.splitlines()
                                    if line.startswith("Truce survives"))
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "Parameter uncertainty (that of the behavioural constants) is not included" \
        in summary
    assert "the median of the posterior" in summary
    assert "parameter uncertainty is not included" in summary     # in the comparison too
    assert "**In short.** Helps beyond chance: " in summary
    assert not (out / "draws.csv").exists()
    table = pd.read_csv(out / "comparison.csv")
    assert table["survival_parameters_low"].isna().all() and table["survival_robust"].isna().all()


def test_comparing_changes_nothing_of_the_scenarios_own_results(tmp_path, capsys,
                                                                posterior_file):
    alone, alone_out = _run(tmp_path, capsys, "alone", "--posterior", str(posterior_file),
                            "--no-compare")
    compared, compared_out = _run(tmp_path, capsys, "compared", "--posterior",
                                  str(posterior_file))
    for name in ("replications.csv", "daily.csv", "draws.csv"):
        assert (alone / name).read_bytes() == (compared / name).read_bytes(), name
    assert not (alone / "comparison.csv").exists()
    # the same summary, line for line (the first line says what ran and how long it took)
    assert alone_out.splitlines()[1:-1] == compared_out.splitlines()[1:len(
        alone_out.splitlines()) - 1]
