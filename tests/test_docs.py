"""The documentation cannot drift: generated tables match, quotes are verbatim, names exist."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from sim.model import rules
from sim.model.mechanisms import MECHANISMS, markdown
from sim.scenario.parameters import parameter_table

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def squash(text: str) -> str:
    return " ".join(text.split())


def test_generated_docs_are_current():
    # Refresh with: uv run python -m sim.model.mechanisms
    assert (ROOT / "docs" / "mechanisms.md").read_text(encoding="utf-8") == markdown()
    parameters = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert parameter_table() in parameters


@pytest.mark.skipif(not (SHARED / "article.txt").exists(), reason="shared/ sources not beside "
                    "the repository")
@pytest.mark.parametrize("mechanism", MECHANISMS, ids=lambda m: m.name)
def test_each_quote_is_verbatim_in_its_source(mechanism):
    source = SHARED / ("article.txt" if mechanism.source == "article" else "history.md")
    assert squash(mechanism.quote) in squash(source.read_text(encoding="utf-8"))


@pytest.mark.parametrize("mechanism", MECHANISMS, ids=lambda m: m.name)
def test_each_mechanism_names_real_rules_that_cite_it(mechanism):
    docstrings = []
    for name in mechanism.rules:
        rule = getattr(rules, name)
        assert inspect.isfunction(rule), name
        docstrings.append(squash(rule.__doc__ or ""))
    assert any(squash(mechanism.quote) in d for d in docstrings), mechanism.name


def _schema_paths() -> set[str]:
    rows = parameter_table().splitlines()[2:]
    return {re.match(r"\| `([^`]+)`", row).group(1) for row in rows}


@pytest.mark.parametrize("mechanism", MECHANISMS, ids=lambda m: m.name)
def test_each_mechanism_parameter_is_in_the_schema(mechanism):
    paths = _schema_paths()
    for path in mechanism.parameters:
        assert path in paths, path


def test_every_rule_cites_its_source():
    sources = ("Article", "history.md", "DESIGN")
    for name, fn in inspect.getmembers(rules, inspect.isfunction):
        if fn.__module__ != rules.__name__:
            continue
        doc = fn.__doc__ or ""
        assert any(s in doc for s in sources), f"{name} cites none of {sources}"


def test_every_scenario_parameter_has_a_description_and_unit():
    for row in parameter_table().splitlines()[2:]:
        path, unit, _bounds, _default, meaning = [c.strip() for c in row.strip("|").split("|")]
        assert meaning, f"{path} has no description"
        if not any(t in path for t in ("name", "description", "enabled", "kind", "party",
                                       "patron", "intermixed_with", "neighbours", "presence",
                                       "besieged_by", "initial_trust", "provider",
                                       "recipient", "key_pairs", "actors", "regions")):
            assert unit, f"{path} has no unit"

