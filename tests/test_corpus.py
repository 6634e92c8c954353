"""The corpus of historical truces (``truces/``) keeps its two rules (``truces/README.md``).

Every folder of ``truces/`` is checked, none skipped: a folder still being written fails
here until both its files are complete. For each truce: ``scenario.yaml`` loads and
validates; it sets no behavioural constant (``behaviour:``) and extends no other file;
every line that sets a value outside ``notes:`` (and the top-level labels ``name`` and
``description``, shown in reports, never read as a fact) ends with a comment citing a key
of ``notes.sources`` (``[S3]``), or saying ``coded:`` or ``default:``, the comment lines
that continue it included; every source key it
cites exists; it cites no source of the outcome file (``O1`` ...); ``notes.began`` and
``notes.known_at`` are dates and the facts were known by the start; ``outcomes.yaml``
validates against the outcome schema, with its day range in order and a censoring date
for a truce still holding.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from sim.run.posterior import explicit_behaviour
from sim.scenario.corpus import OUTCOME_FILE, SCENARIO_FILE, load_truce
from sim.scenario.loading import load_scenario
from sim.scenario.outcomes import load_outcome

TRUCES = Path(__file__).resolve().parents[1] / "truces"
FOLDERS = sorted(p for p in TRUCES.iterdir() if p.is_dir()) if TRUCES.is_dir() else []
#: Top-level labels, not facts: shown in reports, never read by the model as a value.
LABELS = {"name", "description"}
KEY = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[^\s#:][^:#]*?):(?:\s+|$)(?P<rest>.*)$")
ITEM = re.compile(r"^(?P<indent>\s*)-\s+(?P<rest>.+)$")
SOURCE = re.compile(r"\bS\d+\b")
CITED = re.compile(r"\[([^\]]*)\]")


def each_folder():
    """Every folder of truces/, or a single failing case when there is none (never a skip)."""
    return pytest.mark.parametrize("folder", FOLDERS or [None],
                                   ids=[p.name for p in FOLDERS] or ["no-truce"])


def split_comment(line: str) -> tuple[str, str]:
    """(code, comment) of a YAML line: a '#' outside quotes, at the start or after a space."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1:].strip()
    return line.rstrip(), ""


def value_lines(text: str) -> list[tuple[int, str, str]]:
    """(line number, code, its comment with the comment lines that continue it) of each
    line that sets a value outside ``notes:`` and the top-level labels."""
    lines = text.splitlines()
    out, skip_deeper, i = [], None, 0
    while i < len(lines):
        code, comment = split_comment(lines[i])
        indent = len(lines[i]) - len(lines[i].lstrip())
        if skip_deeper is not None and (not code.strip() or indent > skip_deeper):
            i += 1
            continue
        skip_deeper = None
        j = i + 1
        while j < len(lines) and not split_comment(lines[j])[0].strip() and \
                split_comment(lines[j])[1] and lines[j].index("#") > indent:
            comment += " " + split_comment(lines[j])[1]
            j += 1
        if not code.strip():
            i += 1
            continue
        m = KEY.match(code)
        if m and indent == 0 and m["key"] in LABELS | {"notes"}:
            skip_deeper = 0                      # the label's text, or the notes block
        elif m and m["rest"].strip() in (">", "|", ">-", "|-"):
            out.append((i + 1, code, comment))
            skip_deeper = indent
        elif (m and m["rest"].strip()) or (not m and ITEM.match(code)):
            out.append((i + 1, code, comment))
        i = j
    return out


def test_the_corpus_has_truces():
    assert FOLDERS, f"{TRUCES} holds no truce yet"


@each_folder()
def test_both_files_exist(folder):
    assert folder is not None, "no truce in truces/"
    missing = [f for f in (SCENARIO_FILE, OUTCOME_FILE) if not (folder / f).is_file()]
    assert not missing, f"{folder.name}: missing {', '.join(missing)}"


@each_folder()
def test_the_scenario_loads_and_sets_no_behaviour(folder):
    assert folder is not None, "no truce in truces/"
    raw = yaml.safe_load((folder / SCENARIO_FILE).read_text(encoding="utf-8"))
    assert "behaviour" not in raw, f"{folder.name} sets behaviour: {raw['behaviour']}"
    assert "extends" not in raw, f"{folder.name} extends {raw['extends']}"
    scenario = load_scenario(folder / SCENARIO_FILE)
    assert explicit_behaviour(scenario) == set()


@each_folder()
def test_every_value_cites_a_source_or_a_coding_rule(folder):
    assert folder is not None, "no truce in truces/"
    text = (folder / SCENARIO_FILE).read_text(encoding="utf-8")
    notes = (yaml.safe_load(text).get("notes") or {})
    sources = set(notes.get("sources") or {})
    uncited, unknown = [], []
    for number, code, comment in value_lines(text):
        keys = {k for group in CITED.findall(comment) for k in SOURCE.findall(group)}
        unknown += [f"line {number}: [{k}]" for k in sorted(keys - sources)]
        if not (keys & sources or "coded:" in comment or "default:" in comment):
            uncited.append(f"line {number}: {code.strip()}")
    for gap in notes.get("gaps") or []:
        unknown += [f"gap {gap.get('fact', '')[:40]!r}: {k}"
                    for k in gap.get("source") or [] if k not in sources]
    assert not uncited, f"{folder.name}: values without a source, coded: or default:\n" + \
        "\n".join(uncited)
    assert not unknown, f"{folder.name}: unknown source keys\n" + "\n".join(unknown)


@each_folder()
def test_the_scenario_cites_no_outcome_source(folder):
    assert folder is not None, "no truce in truces/"
    text = (folder / SCENARIO_FILE).read_text(encoding="utf-8")
    outcome = yaml.safe_load((folder / OUTCOME_FILE).read_text(encoding="utf-8"))
    keys = set((outcome or {}).get("sources") or {})
    cited = sorted(keys & set(re.findall(r"\bO\d+\b", text)))
    assert not cited, f"{folder.name}: scenario.yaml cites outcome sources {cited}"


@each_folder()
def test_the_facts_were_known_when_the_truce_began(folder):
    assert folder is not None, "no truce in truces/"
    notes = load_scenario(folder / SCENARIO_FILE).notes
    assert notes is not None and notes.began and notes.known_at, \
        f"{folder.name}: notes.began and notes.known_at are required"
    began, known = date.fromisoformat(notes.began), date.fromisoformat(notes.known_at)
    assert known <= began, f"{folder.name}: known_at {known} is after began {began}"


@each_folder()
def test_the_outcome_validates(folder):
    assert folder is not None, "no truce in truces/"
    outcome = load_outcome(folder / OUTCOME_FILE)
    end = outcome.end
    if end.day is not None:
        assert end.day[0] <= end.day[1]
    if end.kind == "holding":
        assert end.censored_at is not None
    else:
        assert end.day is not None
    truce = load_truce(folder)          # the id, the start and the declarer agree
    assert truce.id == folder.name == outcome.truce


def test_the_line_check_finds_what_it_should():
    """The checker itself, on a made-up file: values, continued comments, labels, notes."""
    text = """# a header
name: A truce
description: >
  text: with a colon
time:
  step_hours: 2             # default: the corpus's step
  duration_days: 7          # the deal's term,
                            # continued [S1]
  horizon_days: 365
actors:
  a:                        # [S1] a block opener needs nothing
    presence: {a: 1, "b#c": 2}
key_pairs:
  - [a, b]                  # coded: pairs
notes:
  began: 2012-04-12
"""
    found = {code.strip().split(":")[0].lstrip("- "): comment
             for _, code, comment in value_lines(text)}
    assert set(found) == {"step_hours", "duration_days", "horizon_days", "presence", "[a, b]"}
    assert found["duration_days"].endswith("[S1]") and found["horizon_days"] == ""
    assert found["presence"] == ""


@pytest.mark.parametrize("folder", sorted(p.name for p in TRUCES.iterdir() if p.is_dir()))
def test_every_truce_builds_a_model_and_runs_a_day(folder):
    """Whatever a truce's structure (no spoilers, no sieges, no patrons), its scenario runs."""
    from sim.model.model import CeasefireModel
    from sim.scenario.loading import load_scenario
    model = CeasefireModel(load_scenario(TRUCES / folder / "scenario.yaml"), 3, rng=1)
    model.step()
    assert model.day == 1
