"""The main job as a user runs it: files, report, charts; any scenario, not only ours."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
UNSEEN = Path(__file__).parent / "data" / "unseen_conflict.yaml"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reference")
    done = run_cli("scenarios/kerry_lavrov.yaml", "--replications", "400", "--seed", "5",
                   "--out", str(out), "-q")
    assert done.returncode == 0, done.stderr
    return out, done.stdout


def test_prints_the_summary_a_user_asked_for(reference_run):
    _, stdout = reference_run
    for expected in ("Truce survives its 7 days:", "95% CI", "JIC activated:",
                     "Collapse day (of those that collapsed): median", "Declared over by:",
                     "Triggers:", "reported by the other side", "Civilian harm",
                     "Aid delivered"):
        assert expected in stdout


def test_writes_tables_in_csv_and_parquet_that_agree(reference_run):
    out, _ = reference_run
    for name in ("replications", "daily"):
        csv = pd.read_csv(out / f"{name}.csv")
        parquet = pd.read_parquet(out / f"{name}.parquet")
        assert list(csv.columns) == list(parquet.columns)
        assert len(csv) == len(parquet) > 0
    table = pd.read_csv(out / "replications.csv")
    assert len(table) == 400
    assert table["replication"].tolist() == list(range(400))
    assert set(table["survived"]) <= {True, False}
    assert (table["collapse_day"].isna() | (table["collapse_day"] > 0)).all()


def test_summary_md_links_charts_that_exist(reference_run):
    out, _ = reference_run
    summary = (out / "summary.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", summary)
    assert {"survival.png", "violence.png", "trust.png", "triggers.png", "aid.png"} <= set(images)
    for image in images:
        data = (out / image).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000, image


def test_manifest_records_how_to_reproduce(reference_run):
    out, _ = reference_run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 5 and manifest["replications"] == 400
    assert manifest["scenario"]["name"].startswith("Kerry")
    assert "mesa" in manifest["versions"]


def test_default_output_folder_is_named_and_printed(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "run.py"), str(UNSEEN), "-r", "50",
                           "--no-charts", "-q"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    folder = re.search(r"Wrote (\S+)/", done.stdout).group(1)
    assert (tmp_path / folder / "summary.md").exists()
    assert folder.startswith("output/unseen_conflict-")


def test_an_unseen_scenario_runs_end_to_end(tmp_path):
    done = run_cli(str(UNSEEN), "-r", "200", "--out", str(tmp_path), "-q")
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(tmp_path / "replications.csv")
    assert set(table["declared_by"].dropna()) <= {"north", "south", "ankara", "tehran"}
    assert (tmp_path / "trust.png").exists()


def test_set_overrides_change_the_result(tmp_path):
    base = run_cli("scenarios/kerry_lavrov.yaml", "-r", "300", "--out", str(tmp_path / "a"),
                   "--no-charts", "-q")
    strict = run_cli("scenarios/kerry_lavrov.yaml", "-r", "300", "--out", str(tmp_path / "b"),
                     "--no-charts", "-q", "--set", "mechanisms.penalties.strength=5")
    assert base.returncode == strict.returncode == 0
    a = pd.read_csv(tmp_path / "a" / "replications.csv")["survived"].mean()
    b = pd.read_csv(tmp_path / "b" / "replications.csv")["survived"].mean()
    assert b > a + 0.2


def test_no_code_path_names_a_scenario_actor_or_region():
    """Calibration lives in scenario files: the package never special-cases a name."""
    names = {"government", "opposition", "nusra", "isis", "russia", "united_states",
             "aleppo_east", "idlib", "damascus_ghouta", "kerry_lavrov"}
    for path in (ROOT / "sim").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                      and node.body and isinstance(node.body[0], ast.Expr)}
        strings = {node.value.lower() for node in ast.walk(tree)
                   if isinstance(node, ast.Constant) and isinstance(node.value, str)
                   and id(node) not in docstrings}
        assert not strings & names, f"{path.name} names {strings & names}"
