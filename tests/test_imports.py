"""The package's imports (``tools/check_imports.py``): no module imports itself round a loop,
imports inside functions only for optional extras, and no module of 400 lines or more.

``sim/agents``, ``sim/model``, ``sim/scenario`` and ``sim/present/docs.py`` are being rebuilt
on another branch: where only they still break a rule, the whole-package check is an
expected failure (not strict), and the check of every other file holds meanwhile.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "check_imports.py"
MAX_LINES = 400

#: Files rebuilt on another branch (agents, model, scenario; the documentation generator).
ELSEWHERE = ("sim/agents/", "sim/model/", "sim/scenario/", "sim/present/docs.py")
REBUILT = "agents/model/scenario are being rebuilt on another branch"


def _load_tool():
    spec = importlib.util.spec_from_file_location("check_imports", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module     # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


TOOLS = _load_tool()
REPORT = TOOLS.analyse()


def elsewhere(path: str) -> bool:
    return path.startswith(ELSEWHERE)


def files(modules) -> list[str]:
    return [TOOLS.path_of(m, REPORT) for m in modules]


CYCLES = [files(c) for c in REPORT.cycles]
OUR_CYCLES = [c for c in CYCLES if not all(map(elsewhere, c))]
LINES = dict(TOOLS.line_counts(REPORT))
LONG = {path: n for path, n in LINES.items() if n >= MAX_LINES}
OUR_LONG = {path: n for path, n in LONG.items() if not elsewhere(path)}
HIDDEN = [f"{TOOLS.path_of(i.source, REPORT)}:{i.line} {i.function}: {i.target}"
          for i in REPORT.hidden]
OUR_HIDDEN = [h for h in HIDDEN if not elsewhere(h)]


def test_the_script_reports_and_fails_on_a_cycle():
    done = subprocess.run([sys.executable, str(TOOL), "--json"], capture_output=True,
                          text=True, cwd=ROOT)
    found = json.loads(done.stdout)
    assert found["cycles"] == REPORT.cycles
    assert done.returncode == (1 if REPORT.cycles else 0)


def test_the_script_finds_a_cycle_and_what_hides_in_functions(tmp_path):
    package = tmp_path / "sim"
    (package / "a").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a" / "__init__.py").write_text("")
    (package / "a" / "one.py").write_text("from sim.a import two\n")
    (package / "a" / "two.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sim import three\n"
        "def f():\n    from sim.a.one import x\n    import pyabc\n")
    (package / "three.py").write_text("from sim.a.two import y\n")
    report = TOOLS.analyse(package)
    assert report.cycles == [["sim.a.one", "sim.a.two"]]     # not three: type checking only
    assert [(i.source, i.target) for i in report.hidden] == [("sim.a.two", "sim.a.one")]


def test_no_cycle_among_our_files():
    assert OUR_CYCLES == []


@pytest.mark.xfail(bool(CYCLES) and not OUR_CYCLES, reason=REBUILT, strict=False)
def test_no_cycle_at_all():
    assert CYCLES == []


def test_our_functions_import_only_optional_extras():
    assert OUR_HIDDEN == []


@pytest.mark.xfail(bool(HIDDEN) and not OUR_HIDDEN, reason=REBUILT, strict=False)
def test_functions_import_only_optional_extras_anywhere():
    assert HIDDEN == []


def test_our_modules_are_under_400_lines():
    assert OUR_LONG == {}


@pytest.mark.xfail(bool(LONG) and not OUR_LONG, reason=REBUILT, strict=False)
def test_every_module_is_under_400_lines():
    assert LONG == {}
