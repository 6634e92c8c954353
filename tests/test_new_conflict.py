"""``docs/new_conflict.md`` runs as written: its files are written and its commands run, in
order, in a fresh folder laid out as the guide says (``conflicts/`` beside a
``scenarios/`` holding the reference).

A YAML block whose first line is ``# file: PATH`` is written to PATH; in a ``console``
block, a line ``$ uv run ceasefire ARGS`` is run in-process (``sim.present.cli.main``)
and the lines after it, if any, must be its output (the folder's real path printed as
``/path/to/conflicts``); an expected line starting ``error:`` means exit status 2, none
means 0. The fast test runs the commands with fewer replications and no charts; the
slow one as written. Then the guide's claims about what the runs show are checked on their outputs.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import run_main

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "new_conflict.md"
FOLDER = "/path/to/conflicts"       # how the guide prints the folder it works in
PROGRAM = "uv run ceasefire "


@dataclass(frozen=True)
class Step:
    file: str = ""          # a file to write ...
    text: str = ""          # ... with this content
    argv: tuple = ()        # or a command to run ...
    expected: tuple = ()    # ... and the lines it must print


def steps(markdown: str) -> list[Step]:
    out = []
    for lang, body in re.findall(r"^```(\w*)\n(.*?)^```", markdown, re.S | re.M):
        if lang == "yaml" and body.startswith("# file: "):
            first, _, rest = body.partition("\n")
            out.append(Step(file=first.removeprefix("# file: ").strip(), text=rest))
        elif lang == "console":
            for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]:
                command, *lines = chunk.rstrip("\n").split("\n")
                assert command.startswith(PROGRAM), f"not a command the test runs: {command}"
                out.append(Step(argv=tuple(shlex.split(command.removeprefix(PROGRAM))),
                                expected=tuple(lines)))
    return out


STEPS = steps(GUIDE.read_text(encoding="utf-8"))


def test_the_guide_has_files_and_commands():
    files = [s.file for s in STEPS if s.file]
    assert {"river.yaml", "counterfactuals/monitors.yaml", "counterfactuals/open_city.yaml",
            "with_turkey.yaml"} <= set(files)
    assert sum(1 for s in STEPS if s.argv) >= 4


def test_the_readme_links_the_guide_from_its_start():
    start = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## ")[0]
    assert "(docs/new_conflict.md)" in start


def fewer(argv: tuple, replications: str | None) -> list[str]:
    """The command with ``-r`` replaced and no charts (None: as written)."""
    argv = list(argv)
    if replications is not None and "-r" in argv:
        argv[argv.index("-r") + 1] = replications
        argv.append("--no-charts")
    return argv


def follow(tmp_path: Path, capsys, monkeypatch, replications: str | None) -> Path:
    """Write and run the guide's steps in order in ``tmp_path/conflicts``; that folder."""
    (tmp_path / "scenarios").mkdir()
    shutil.copy(ROOT / "scenarios" / "kerry_lavrov.yaml", tmp_path / "scenarios")
    work = tmp_path / "conflicts"
    work.mkdir()
    monkeypatch.chdir(work)
    for step in STEPS:
        if step.file:
            (work / step.file).parent.mkdir(parents=True, exist_ok=True)
            (work / step.file).write_text(step.text, encoding="utf-8")
            continue
        code, out, err = run_main(fewer(step.argv, replications) + ["-q"], capsys)
        printed = (out + err).replace(str(work), FOLDER)
        refused = any(line.startswith("error:") for line in step.expected)
        assert code == (2 if refused else 0), f"{' '.join(step.argv)}:\n{printed}"
        for line in step.expected:
            assert line in printed.splitlines(), f"{line!r} not printed:\n{printed}"
    return work


def check_claims(work: Path) -> None:
    """What the guide says the runs show."""
    river = (work / "out" / "river" / "summary.md").read_text(encoding="utf-8")
    assert "River truce (worked example)" in river and "14 days" in river
    assert not (work / "out" / "one_camp").exists()
    compared = (work / "out" / "river-compared" / "summary.md").read_text(encoding="utf-8")
    lines = {name: next(line for line in compared.splitlines() if f"**{name}**" in line)
             for name in ("With joint monitors", "City not besieged")}
    assert "It differs" not in lines["With joint monitors"]        # its model: all paired
    assert "It differs in the conflict's facts (`regions.city.besieged_by`)" in \
        lines["City not besieged"]
    assert "paired by name" in lines["City not besieged"] and \
        "`convoys.convoys`" in lines["City not besieged"]
    manifest = json.loads((work / "out" / "with_turkey" / "manifest.json").read_text())
    actors, regions = manifest["scenario"]["actors"], manifest["scenario"]["regions"]
    assert "turkey" in actors and "united_states" not in actors and "isis" not in actors
    assert actors["opposition"]["patron"] == "turkey" and actors["turkey"]["leverage"] == 0.6
    assert "raqqa" not in regions and "deir_ez_zor" not in regions


def test_the_guide_runs_with_fewer_replications(tmp_path, capsys, monkeypatch):
    check_claims(follow(tmp_path, capsys, monkeypatch, replications="60"))


@pytest.mark.slow
def test_the_guide_runs_as_written(tmp_path, capsys, monkeypatch):
    check_claims(follow(tmp_path, capsys, monkeypatch, replications=None))
