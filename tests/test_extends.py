"""``extends:`` removes (``null``) and renames (``rename:``) actors and regions everywhere.

The refusals (an unknown name, a name taken, a removed actor still named, ...) are cases
of ``tests/test_bad_input.py`` (loader and command line); here: what a file that
removes or renames gets, and that ``sim.scenario.names.REFERENCES`` covers every field
of the schema that can hold a name.
"""

from __future__ import annotations

import typing
from pathlib import Path

import numpy as np
import pytest
import yaml
from pydantic import BaseModel

from sim.model.theatre import Theatre
from sim.scenario import names
from sim.scenario.loading import ScenarioError, load_scenario
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "kerry_lavrov.yaml"
UNSEEN = ROOT / "tests" / "data" / "unseen_conflict.yaml"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def ref(tmp_path) -> Path:
    return write(tmp_path, "ref.yaml", REFERENCE.read_text(encoding="utf-8"))


def test_a_removed_region_goes_with_its_edges(ref, tmp_path):
    child = write(tmp_path, "child.yaml", "extends: ref.yaml\nregions:\n  raqqa: null\n")
    sc = load_scenario(child)
    assert "raqqa" not in sc.regions
    assert all("raqqa" not in r.neighbours for r in sc.regions.values())
    assert sc.regions["deir_ez_zor"].neighbours == ["homs"]
    assert list(sc.regions) == [g for g in load_scenario(ref).regions if g != "raqqa"]


def test_a_removed_actor_goes_with_its_presences_and_precedent_share(ref, tmp_path):
    child = write(tmp_path, "child.yaml", "extends: ref.yaml\nactors:\n  isis: null\n")
    sc = load_scenario(child)
    assert "isis" not in sc.actors
    assert all("isis" not in r.presence for r in sc.regions.values())
    before = load_scenario(ref)
    assert sc.regions["raqqa"].presence == {"united_states": 0.8}
    assert sc.precedent.violence_share == before.precedent.violence_share


def test_a_presence_can_be_removed_alone(ref, tmp_path):
    child = write(tmp_path, "child.yaml",
                  "extends: ref.yaml\nregions:\n  idlib:\n    presence: {russia: null}\n")
    sc = load_scenario(child)
    before = load_scenario(ref).regions["idlib"].presence
    assert sc.regions["idlib"].presence == {k: v for k, v in before.items() if k != "russia"}


def test_a_removed_actor_named_elsewhere_can_be_replaced_in_the_same_file(ref, tmp_path):
    child = write(tmp_path, "child.yaml", """extends: ref.yaml
actors:
  united_states: null
  opposition: {patron: null}
mechanisms:
  intelligence: {provider: null, recipient: null}
""")
    sc = load_scenario(child)
    assert "united_states" not in sc.actors and sc.actors["opposition"].patron is None


def test_the_us_becomes_turkey_and_two_regions_go(ref, tmp_path):
    """The example of issue 17: a short file instead of a copy of the reference."""
    child = write(tmp_path, "child.yaml", """extends: ref.yaml
name: With Turkey instead of the US
rename:
  actors: {united_states: turkey}
actors:
  turkey: {leverage: 0.5}
regions:
  raqqa: null
  deir_ez_zor: null
""")
    sc = load_scenario(child)
    before = load_scenario(ref)
    assert list(sc.actors) == [("turkey" if a == "united_states" else a) for a in before.actors]
    assert sc.actors["opposition"].patron == "turkey"
    assert sc.actors["turkey"].leverage == 0.5
    assert sc.actors["turkey"].commitment == before.actors["united_states"].commitment
    assert sc.mechanisms.intelligence.provider == "turkey"
    assert sc.precedent.violence_share["turkey"] == 0.0
    assert set(sc.regions) == set(before.regions) - {"raqqa", "deir_ez_zor"}


def test_a_swap_of_two_names(ref, tmp_path):
    child = write(tmp_path, "child.yaml", "extends: ref.yaml\nrename:\n  actors: "
                  "{russia: united_states, united_states: russia}\nactors:\n"
                  "  russia: {commitment: 0.9}\n")
    sc, before = load_scenario(child), load_scenario(ref)
    assert sc.actors["government"].patron == "united_states"
    assert sc.actors["united_states"].leverage == before.actors["russia"].leverage
    assert sc.actors["russia"].commitment == 0.9      # the child's value: the new name
    assert sc.mechanisms.intelligence.provider == "russia"


def test_a_rename_follows_yaml_aliases_once(tmp_path):
    """A mapping shared through an alias is renamed once: a swap renamed twice would undo."""
    write(tmp_path, "base.yaml", """name: aliases
actors:
  a: {kind: faction, party: true}
  b: {kind: faction, party: true}
regions:
  x: {presence: &both {a: 0.5, b: 0.2}}
  y: {presence: *both, neighbours: [x]}
""")
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nrename:\n  actors: {a: b, b: a}\n")
    sc = load_scenario(child)
    assert sc.regions["x"].presence == sc.regions["y"].presence == {"b": 0.5, "a": 0.2}


def renamed_everywhere(data, table: dict[str, str]):
    """``data`` with every key and string equal to an old name replaced: the oracle, blind
    to where names are."""
    if isinstance(data, dict):
        return {table.get(k, k): renamed_everywhere(v, table) for k, v in data.items()}
    if isinstance(data, list):
        return [renamed_everywhere(v, table) for v in data]
    return table.get(data, data) if isinstance(data, str) else data


@pytest.mark.parametrize("source", [REFERENCE, UNSEEN], ids=["reference", "unseen"])
def test_renaming_every_actor_and_region_changes_nothing_but_the_names(source, tmp_path):
    write(tmp_path, "ref.yaml", source.read_text(encoding="utf-8"))
    before = load_scenario(tmp_path / "ref.yaml")
    actors = {a: f"actor_{i}" for i, a in enumerate(before.actors)}
    regions = {g: f"region_{i}" for i, g in enumerate(before.regions)}
    spec = yaml.safe_dump({"rename": {"actors": actors, "regions": regions}})
    sc = load_scenario(write(tmp_path, "child.yaml", f"extends: ref.yaml\n{spec}"))
    assert sc.model_dump(mode="json") == renamed_everywhere(before.model_dump(mode="json"),
                                                            {**actors, **regions})
    old, new = Theatre.of(before), Theatre.of(sc)
    assert new.structure()[2:] == old.structure()[2:]       # camps, fronts, sieges, pairs
    assert np.array_equal(new.front_weight, old.front_weight)


def test_errors_inside_a_renamed_entry_name_the_file_that_set_the_value(ref, tmp_path):
    write(tmp_path, "parent.yaml", "extends: ref.yaml\nactors:\n  united_states: "
                                   "{leverage: 5}\n")
    child = write(tmp_path, "child.yaml", "extends: parent.yaml\nrename:\n  actors: "
                                          "{united_states: turkey}\n")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(child)
    assert raised.value.field == "actors.turkey.leverage"
    assert raised.value.file == str(tmp_path / "parent.yaml")


# --------------------------------------------------------------------------
# REFERENCES covers the schema
# --------------------------------------------------------------------------

#: Fields holding text that is not an actor's or a region's name.
TEXT = {("name",), ("description",), ("precedent", "name"), ("notes", "began"),
        ("notes", "known_at"), ("notes", "sources"), ("notes", "sources", "*", "title"),
        ("notes", "sources", "*", "url"), ("notes", "sources", "*", "published"),
        ("notes", "gaps", "*", "fact"), ("notes", "gaps", "*", "source", "*"),
        ("notes", "gaps", "*", "needs"),
        # sources of the deal over time; a schedule's paths are of terms (mechanisms.*),
        # and uncertain's are filled at load, after renames (a scheduled value naming an
        # actor, mechanisms.intelligence.provider, is not renamed: a known limit)
        ("deal", "source"), ("deal", "schedule", "*", "source"), ("deal", "schedule", "*", "set"),
        ("uncertain",), ("uncertain", "*", "source"),
        # display names: what charts call an actor or a region, never a reference to one
        ("actors", "*", "label"), ("regions", "*", "label")}


def text_fields(annotation, at: tuple[str, ...] = ()):
    """Every place of the schema that holds a string: mappings' keys and string values."""
    annotation = names._unwrap(annotation)
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            yield from text_fields(info.annotation, (*at, name))
    elif origin is dict:
        yield at
        yield from text_fields(typing.get_args(annotation)[1], (*at, "*"))
    elif origin in (list, tuple):
        for arg in set(typing.get_args(annotation)) - {Ellipsis}:
            yield from text_fields(arg, (*at, "*"))
    elif annotation is str:
        yield at


def test_every_field_that_can_hold_a_name_is_a_reference_or_text():
    """A new field naming an actor or region (a mediator, a front line) must join
    ``REFERENCES``, or a renamed or removed name would stay behind in it."""
    known = {p for kind in names.REFERENCES.values() for group in kind.values() for p in group}
    found = set(text_fields(Scenario))
    assert found - known - TEXT == set(), "fields holding names missing from REFERENCES"
    assert known <= found, "REFERENCES names a field the schema no longer has"
