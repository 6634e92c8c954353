"""Input that is valid but odd is read as meant, and input that is wrong says so in one line
(issue 18, "smaller" cases): YAML merge keys, byte-order marks, large posteriors, names
that would drive a terminal, overrides keyed by something other than a path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim import api
from sim.run.posterior import SHIPPED, load_posterior
from sim.scenario.errors import printable
from sim.scenario.loading import ScenarioError, load_scenario

REFERENCE = Path(__file__).resolve().parents[1] / "scenarios" / "kerry_lavrov.yaml"


def test_a_yaml_merge_key_is_read_as_yaml_defines_it(tmp_path):
    """``<<: *base`` copies the anchored mapping; keys written beside it win over it."""
    child = tmp_path / "merge.yaml"
    child.write_text(f"extends: {REFERENCE}\nactors:\n  government: &g\n    strength: 0.61\n"
                     "    discipline: 0.7\n  opposition:\n    <<: *g\n    discipline: 0.4\n",
                     encoding="utf-8")
    scenario = load_scenario(child)
    assert scenario.actors["opposition"].strength == 0.61
    assert scenario.actors["opposition"].discipline == 0.4
    assert scenario.actors["government"].discipline == 0.7


def test_a_posterior_saved_with_a_byte_order_mark_is_the_same_posterior(tmp_path):
    """Spreadsheets save CSV as UTF-8 with a BOM; its invisible character is no column name."""
    bom = tmp_path / "posterior.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + Path(SHIPPED).read_bytes())
    shipped, read = load_posterior(SHIPPED), load_posterior(bom)
    assert read.paths == shipped.paths
    np.testing.assert_array_equal(read.values, shipped.values)


def test_a_posterior_larger_than_a_scenario_file_is_read(tmp_path):
    """The 1 MiB cap of scenario files is not a posterior's: 1,800 draws are about 1.4 MiB."""
    header, *rows = Path(SHIPPED).read_text(encoding="utf-8").splitlines()
    big = tmp_path / "posterior.csv"
    big.write_text("\n".join([header, *rows * 6]) + "\n", encoding="utf-8")
    assert big.stat().st_size > 1 << 20
    assert len(load_posterior(big).values) == 6 * len(rows)


def test_an_escape_sequence_in_an_entry_name_is_printed_escaped(tmp_path):
    """A name reaches the message as its escape (``\\x1b``), never as the raw character that
    would set the terminal's title or clear it."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(f'extends: {REFERENCE}\nactors:\n  "\\e[2Jx": {{kind: faction, party: true}}\n',
                   encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(bad)
    assert "\x1b" not in str(raised.value)
    assert "\\x1b[2Jx" in str(raised.value)


def test_printable_keeps_text_and_escapes_only_control_characters():
    assert printable("Kerry–Lavrov, 2016 (ﺳﻮﺭﻳﺎ)") == "Kerry–Lavrov, 2016 (ﺳﻮﺭﻳﺎ)"
    assert printable("a\x1b[2Jb\x07\x9b") == "a\\x1b[2Jb\\x07\\x9b"
    assert printable("one\ntwo", keep="\n") == "one\ntwo"


@pytest.mark.parametrize("key", [1, None, ""])
def test_an_override_not_keyed_by_a_path_is_a_scenario_error(key):
    with pytest.raises(ScenarioError) as raised:
        api.load_scenario(REFERENCE, {key: 2})
    assert raised.value.file == "command line"
    assert "dotted path" in raised.value.expected


@pytest.mark.parametrize("replications", [0, -3, 2.5, True, "100"])
def test_the_api_refuses_replications_that_are_not_a_positive_whole_number(replications):
    with pytest.raises(ScenarioError) as raised:
        api.run(REFERENCE, replications=replications)
    assert raised.value.field == "replications"


def test_the_api_refuses_work_beyond_its_budget_before_simulating():
    """A billion replications: refused by the constants' estimate at once (the pilot, which
    would step a block, is never reached), in the API's words."""
    with pytest.raises(ScenarioError) as raised:
        api.run(REFERENCE, replications=10**9)
    assert raised.value.field in ("work", "memory")
    assert "-r" not in raised.value.expected
    with pytest.raises(ScenarioError):
        api.compare(REFERENCE, REFERENCE, replications=10**9)
    with pytest.raises(ScenarioError) as tight:   # a budget of a second: 10,000 worlds exceed it
        api.run(REFERENCE, replications=10_000, max_hours=1 / 3600)
    assert "max_hours=" in tight.value.expected
