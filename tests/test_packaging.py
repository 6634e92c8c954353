"""Packaging and command-line conventions: the ``ceasefire`` command, ``python -m sim``,
``--version``, the shipped scenarios by name, and the shipped files found both in a
checkout and inside an installed wheel (the last built and installed for real, slow)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

from sim import shipped as shipped_module
from sim.run.posterior import SHIPPED
from sim.present.cli import main
from sim.scenario.catalogue import entries, find

ROOT = Path(__file__).resolve().parents[1]


def test_the_command_is_declared_and_ships_its_data():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["ceasefire"] == "sim.present.cli:console"
    included = project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included["scenarios"] == "sim/_data/scenarios"
    assert included["calibration/posterior.csv"] == "sim/_data/calibration/posterior.csv"


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip().endswith(version("ceasefire-sim"))


def test_python_dash_m_sim_is_the_command_line():
    done = subprocess.run([sys.executable, "-m", "sim", "--help"], capture_output=True,
                          text=True, cwd=ROOT, check=True)
    assert done.stdout.startswith("usage: python -m sim ") and "scenarios list" in done.stdout


def test_scenarios_list_names_every_shipped_file(capsys):
    assert main(["scenarios", "list"]) == 0
    out = capsys.readouterr().out
    assert "kerry_lavrov  " in out and "Kerry–Lavrov truce, September 2016" in out
    assert "counterfactuals/with_penalties" in out and "sweeps/patron_leverage" in out
    shipped = {p.relative_to(ROOT / "scenarios").with_suffix("").as_posix()
               for p in (ROOT / "scenarios").rglob("*.yaml")}
    assert {e.short for e in entries()} == shipped
    kinds = {e.short: e.kind for e in entries()}
    assert kinds["feb2016_cessation"] == "scenario"
    assert kinds["counterfactuals/no_spoilers"] == "counterfactual"
    assert kinds["sweeps/penalties_vs_verification"] == "sweep"


def test_a_shipped_scenario_runs_by_name(tmp_path):
    reference = ROOT / "scenarios" / "kerry_lavrov.yaml"
    assert find("kerry_lavrov") == reference == find("kerry_lavrov.yaml")
    assert find("scenarios/kerry_lavrov") == reference
    assert find("counterfactuals/with_penalties") == \
        ROOT / "scenarios" / "counterfactuals" / "with_penalties.yaml"
    assert find("no_such_thing") == Path("no_such_thing")
    assert main(["kerry_lavrov", "-r", "20", "--no-compare", "--no-charts", "-q", "--out",
                 str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "replications.csv").exists()


def test_an_unknown_name_is_one_line(capsys, tmp_path):
    assert main(["no_such_thing", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: no_such_thing: file not found"]


def test_an_installed_copy_of_the_data_wins(tmp_path, monkeypatch):
    """Installed, the wheel's ``sim/_data`` holds the files; in a checkout they are beside
    the package. Either way the same relative name finds them."""
    assert SHIPPED == ROOT / "calibration" / "posterior.csv" and SHIPPED.exists()
    installed = tmp_path / "_data"
    (installed / "calibration").mkdir(parents=True)
    (installed / "calibration" / "posterior.csv").write_text("x")
    monkeypatch.setattr(shipped_module, "_ROOTS", (installed, ROOT))
    assert shipped_module.shipped("calibration/posterior.csv") == \
        installed / "calibration" / "posterior.csv"
    assert shipped_module.shipped("scenarios") == ROOT / "scenarios"   # not installed: checkout


@pytest.mark.slow
def test_the_wheel_installs_a_working_command(tmp_path):
    """Build the wheel, install it into a fresh environment, and run the command there,
    away from the checkout: the scenarios by name and the shipped posterior."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("needs uv to build and install the wheel")
    subprocess.run([uv, "build", "--wheel", "-q", "-o", str(tmp_path / "dist")], cwd=ROOT,
                   check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    env = tmp_path / "venv"
    subprocess.run([uv, "venv", "-q", "--python", "3.12", str(env)], check=True,
                   capture_output=True)
    subprocess.run([uv, "pip", "install", "-q", "--python", str(env / "bin" / "python"),
                    str(wheel)], check=True, capture_output=True)
    command = env / "bin" / "ceasefire"

    def ceasefire(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(command), *args], capture_output=True, text=True,
                              cwd=tmp_path, timeout=300)

    listed = ceasefire("scenarios", "list")
    assert listed.returncode == 0, listed.stderr
    assert str(env) in listed.stdout and "counterfactuals/with_penalties" in listed.stdout
    done = ceasefire("kerry_lavrov", "-r", "20", "--no-charts", "-q", "--out", "out")
    assert done.returncode == 0, done.stderr
    constants = json.loads((tmp_path / "out" / "manifest.json").read_text())["constants"]
    assert constants["posterior"].startswith(str(env)) and "sim/_data" in constants["posterior"]
    assert ceasefire("--version").stdout.strip() == f"ceasefire {version('ceasefire-sim')}"
