"""The package's imports (``tools/check_imports.py``): no module imports itself round a loop,
no floor imports one above it, imports inside functions only for optional extras, and no
module of 400 lines or more."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "check_imports.py"
MAX_LINES = 400


def _load_tool():
    spec = importlib.util.spec_from_file_location("check_imports", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module     # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


TOOLS = _load_tool()
REPORT = TOOLS.analyse()


def where(imports) -> list[str]:
    return [f"{TOOLS.path_of(i.source, REPORT)}:{i.line}: {i.target}" for i in imports]


def test_the_script_reports_and_fails_on_a_cycle():
    done = subprocess.run([sys.executable, str(TOOL), "--json"], capture_output=True,
                          text=True, cwd=ROOT)
    found = json.loads(done.stdout)
    assert found["cycles"] == REPORT.cycles
    assert done.returncode == (1 if REPORT.cycles or REPORT.upward else 0)


def test_the_script_finds_a_cycle_an_upward_import_and_what_hides_in_functions(tmp_path):
    package = tmp_path / "sim"
    (package / "a").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a" / "__init__.py").write_text("")
    (package / "a" / "one.py").write_text("from sim.a import two\n")
    (package / "a" / "two.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sim import three\n"
        "def f():\n    from sim.a.one import x\n    import pyabc\n")
    (package / "three.py").write_text("from sim.a.two import y\n")
    (package / "core.py").write_text("from sim.three import z\n")
    report = TOOLS.analyse(package)
    assert report.cycles == [["sim.a.one", "sim.a.two"]]     # not three: type checking only
    assert [(i.source, i.target) for i in report.hidden] == [("sim.a.two", "sim.a.one")]
    assert report.upward == []        # sim.three is on no floor
    (package / "core.py").write_text("from sim.present import cli\n")
    (package / "present").mkdir()
    (package / "present" / "__init__.py").write_text("")
    (package / "present" / "cli.py").write_text("")
    report = TOOLS.analyse(package)
    assert [(i.source, i.target) for i in report.upward] == [("sim.core", "sim.present.cli")]


def test_no_cycle():
    assert REPORT.cycles == []


def test_no_floor_imports_one_above_it():
    assert where(REPORT.upward) == []


def test_functions_import_only_optional_extras():
    assert where(REPORT.hidden) == []


def test_every_module_is_under_400_lines():
    assert {path: n for path, n in TOOLS.line_counts(REPORT) if n >= MAX_LINES} == {}
