"""The documentation cannot drift from the code.

- docs/mechanisms.md, docs/parameters.md and docs/ODD.md equal what
  ``sim.docs`` generates (refresh: ``uv run python -m sim.docs``);
- every mechanism's quote is verbatim in its source (docs/sources/article.txt or
  docs/sources/history.md, typographic apostrophes and all) and, with typographic
  quotes made plain, in the docstring of the first method that encodes it, or of
  its class or module; every method named exists, defined in that class;
- every parameter a mechanism names is a row of the parameter table, and every
  row has a description and, where numeric, a unit and a source;
- the ODD's process section is the numbered order of CeasefireModel's docstring.

The sources are copied into the repository (docs/sources), so no test skips.
"""

from __future__ import annotations

import re

import pytest

from sim.model.model import CeasefireModel
from sim.core.mechanism import PHASES
from sim.docs.introspect import submodel_rows
from sim.docs.mechanisms import (DOCS, MECHANISMS, SOURCES, agent_classes, docstrings_of,
                                 mechanisms_markdown, normalise, parameters_markdown, resolve)
from sim.docs.odd import SUBMODELS, odd_markdown, schedule, schedule_items
from sim.scenario.parameters import parameter_rows, parameter_table
from sim.scenario.schema import Behaviour

#: Quotes the code's docstrings do not carry yet, with the method that should carry them.
#: Strict: once the docstring carries the quote, the test passes and this entry must go.
NOT_YET_IN_DOCSTRINGS: dict[str, str] = {}

ids = [m.name for m in MECHANISMS]


def _with_known_gaps(mechanisms):
    for m in mechanisms:
        marks = []
        if m.name in NOT_YET_IN_DOCSTRINGS:
            marks.append(pytest.mark.xfail(
                strict=True, reason=f"{NOT_YET_IN_DOCSTRINGS[m.name]} (or its class or module) "
                "does not quote it yet"))
        yield pytest.param(m, id=m.name, marks=marks)


# -- generated files are current ----------------------------------------------------------

def test_mechanisms_md_is_current():
    assert (DOCS / "mechanisms.md").read_text(encoding="utf-8") == mechanisms_markdown()


def test_parameters_md_is_current():
    assert (DOCS / "parameters.md").read_text(encoding="utf-8") == parameters_markdown()
    assert parameter_table() in parameters_markdown()       # what --describe prints


def test_odd_md_is_current():
    assert (DOCS / "ODD.md").read_text(encoding="utf-8") == odd_markdown()


# -- mechanisms ---------------------------------------------------------------------------

def test_mechanisms_cover_the_design_table_and_history():
    names = {m.name for m in MECHANISMS}
    design = {"seven-day truce, then JIC", "humanitarian access", "no penalties",
              "Russia restrains Assad", "US separates opposition from Nusra",
              "intelligence sharing", "gaps of trust", "mutual blame", "spoilers",
              "precedent of February", "Russian strikes on Aleppo", "Pentagon opposition"}
    assert design <= names, design - names
    assert {"accidents", "retaliation with forgiveness"} <= names
    assert len(names) == len(MECHANISMS), "mechanism names must be unique"


@pytest.mark.parametrize("mechanism", MECHANISMS, ids=ids)
def test_each_quote_is_verbatim_in_its_source(mechanism):
    text = (SOURCES / mechanism.source_file).read_text(encoding="utf-8")
    assert " ".join(mechanism.quote.split()) in " ".join(text.split())   # quotes as there


@pytest.mark.parametrize("mechanism", MECHANISMS, ids=ids)
def test_each_named_method_exists_in_its_class(mechanism):
    assert mechanism.methods
    for name in mechanism.methods:
        _cls, function, _module = resolve(name)
        assert callable(function), name


@pytest.mark.parametrize("mechanism", list(_with_known_gaps(MECHANISMS)))
def test_the_first_method_or_its_class_or_module_quotes_it(mechanism):
    method, cls, module = (normalise(d) for d in docstrings_of(mechanism.methods[0]))
    quote = normalise(mechanism.quote)
    assert quote in method or quote in cls or quote in module, \
        f"{mechanism.methods[0]}: no docstring quotes {mechanism.quote!r}"


@pytest.mark.parametrize("mechanism", MECHANISMS, ids=ids)
def test_each_mechanism_parameter_is_in_the_schema(mechanism):
    paths = {r.path for r in parameter_rows()}
    for path in mechanism.parameters:
        assert path in paths, path


# -- parameters ---------------------------------------------------------------------------

def test_every_schema_parameter_is_documented():
    rows = parameter_rows()
    assert len({r.path for r in rows}) == len(rows), "parameter paths must be unique"
    for r in rows:
        assert r.meaning, f"{r.path} has no description"
        if r.numeric:
            assert r.unit, f"{r.path} has no unit"
            assert r.source, f"{r.path} has no source"


def test_behaviour_rows_form_their_own_section():
    table = parameter_table()
    facts, shared = table.split("## Shared behavioural constants")
    for r in parameter_rows():
        assert (f"| `{r.path}` |" in shared) == r.shared, r.path
        assert (f"| `{r.path}` |" in facts) != r.shared, r.path


def test_the_table_reaches_nested_blocks_and_mappings():
    paths = {r.path for r in parameter_rows()}
    for expected in ("precedent", "precedent.violence_share", "actors.<actor>.kind",
                     "actors.<party>.discipline", "actors.<spoiler>.war_rate",
                     "actors.<power>.leverage", "regions.<region>.marbling",
                     "behaviour.party.truce_value", "mechanisms.jic.quiet_days"):
        assert expected in paths, expected


def test_each_agent_behaviour_block_is_assembled_under_its_key():
    classes = agent_classes()
    declaring = [c for c in classes.values() if getattr(c, "Behaviour", None) is not None
                 and getattr(c, "behaviour_key", "")]
    assert declaring
    for cls in declaring:
        field = Behaviour.model_fields[cls.behaviour_key]
        assert field.annotation is cls.Behaviour, cls.__name__


def test_every_number_of_the_schema_belongs_to_a_submodel():
    classes = agent_classes()
    covered = {r.path for name in SUBMODELS for r in submodel_rows(classes[name])}
    missing = [r.path for r in parameter_rows() if r.numeric and r.path not in covered]
    assert not missing


# -- ODD ----------------------------------------------------------------------------------

def _process_section(odd: str) -> str:
    return re.search(r"^## 3\. Process overview and scheduling\n(.*?)^## 4\.", odd,
                     re.S | re.M).group(1)


def test_schedule_is_the_model_docstring_numbered_order():
    doc = " ".join(CeasefireModel.__doc__.split())
    items = schedule_items(schedule())
    assert [int(i.split(".")[0]) for i in items] == list(range(1, len(items) + 1))
    assert len(items) == len(PHASES)          # one item per phase of the day
    for (phase, text), item in zip(PHASES, items, strict=True):
        assert " ".join(text.split()) in item, phase
    for item in items:
        assert item in doc


def test_odd_process_section_equals_the_model_docstring():
    section = _process_section((DOCS / "ODD.md").read_text(encoding="utf-8"))
    assert schedule() in section
    assert schedule_items(section) == schedule_items(schedule())


def test_odd_has_every_section_of_the_protocol():
    odd = (DOCS / "ODD.md").read_text(encoding="utf-8")
    for heading in ("## 1. Purpose and patterns", "## 2. Entities, state variables and scales",
                    "## 3. Process overview and scheduling", "## 4. Design concepts",
                    "## 5. Initialization", "## 6. Input data", "## 7. Submodels"):
        assert heading in odd
    for concept in ("Basic principles", "Emergence", "Adaptation", "Objectives", "Learning",
                    "Prediction", "Sensing", "Interaction", "Stochasticity", "Collectives",
                    "Observation"):
        assert f"**{concept}.**" in odd
    for cls in ("PartyFaction", "SpoilerFaction", "ExternalPower", "JointCenter",
                "Monitoring", "AidConvoys", "Front", "Observer", "Attacker", "AirForce"):
        assert f"### `{cls}` (" in odd, cls
