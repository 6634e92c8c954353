"""A corpus of historical truces: a folder with one subfolder per truce, each holding
``scenario.yaml`` (what was known when the truce began, and the deal's terms) and
``outcomes.yaml`` (what happened; ``sim.scenario.outcomes``).

``load_corpus`` reads every truce into a :class:`Truce` record. The record keeps the
outcome beside the scenario for the scoring; the model is only ever given
``Truce.scenario``, which is loaded from ``scenario.yaml`` alone. A truce's scenario may
not set behavioural constants (``behaviour:``) nor extend another file (``extends:``):
the behaviour is calibrated once for every truce, and a truce states its own facts
(``truces/README.md``, rule 1). A folder of truces written the same way anywhere (a
held-out set) loads the same way; a folder that is itself one truce is a corpus of one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.scenario.loading import ScenarioError, load_scenario, read_yaml
from sim.scenario.outcomes import Outcome, load_outcome
from sim.scenario.schema import Scenario

SCENARIO_FILE = "scenario.yaml"
OUTCOME_FILE = "outcomes.yaml"
#: Keys a truce's scenario file may not have (truces/README.md, rule 1).
FORBIDDEN = {"behaviour": "a truce must not set behavioural constants: the behaviour is "
                          "calibrated, the same for every truce (truces/README.md, rule 1)",
             "extends": "a truce states its own facts in one file, extending none "
                        "(truces/README.md)"}


@dataclass(frozen=True)
class Truce:
    """One truce of a corpus: its id (the folder's name), its scenario and what happened."""

    id: str
    folder: Path
    scenario_path: Path
    scenario: Scenario
    outcome: Outcome = field(repr=False)   # for scoring only: never given to the model


@dataclass(frozen=True)
class Corpus:
    folder: Path
    truces: tuple[Truce, ...]
    skipped: tuple[tuple[Path, str], ...] = ()   # folders with one of the two files only

    def __len__(self) -> int:
        return len(self.truces)

    def ids(self) -> list[str]:
        return [t.id for t in self.truces]


def load_truce(folder: str | Path, behaviour: dict[str, Any] | None = None) -> Truce:
    """One truce folder; a problem is a ScenarioError naming the file and the field.

    ``behaviour``: behavioural constants by dotted path (``behaviour.party.gain``), set on
    the truce as an experiment sets them, the same for every truce (a file never does)."""
    folder = Path(folder)
    scenario_path, outcome_path = folder / SCENARIO_FILE, folder / OUTCOME_FILE
    raw = read_yaml(scenario_path)
    for key, why in FORBIDDEN.items():
        if key in raw:
            raise ScenarioError(scenario_path, key, why)
    scenario = load_scenario(scenario_path, behaviour or None)
    outcome = load_outcome(outcome_path)
    truce_id = folder.resolve().name
    if outcome.truce != truce_id:
        raise ScenarioError(outcome_path, "truce", f"expected the folder's name {truce_id!r} "
                            f"(got {outcome.truce!r})")
    began = scenario.notes.began if scenario.notes is not None else ""
    if began and began != outcome.began:
        raise ScenarioError(outcome_path, "began", f"expected the scenario's notes.began "
                            f"{began} (got {outcome.began})")
    by = outcome.end.by
    if by is not None and by not in scenario.actors:
        raise ScenarioError(outcome_path, "end.by", f"unknown actor {by!r}; the scenario's "
                            f"actors: {sorted(scenario.actors)}")
    return Truce(truce_id, folder, scenario_path, scenario, outcome)


def load_corpus(folder: str | Path, behaviour: dict[str, Any] | None = None) -> Corpus:
    """Every truce under ``folder`` (subfolders with both files, by name), or raise;
    ``behaviour`` as in :func:`load_truce`, behavioural constants only.

    A subfolder with only one of the two files is skipped and reported in
    ``Corpus.skipped`` (a truce still being written); one with neither is not a truce.
    A folder with no truce at all is an error.
    """
    folder = Path(folder)
    for path in behaviour or {}:
        if not str(path).startswith("behaviour."):
            raise ScenarioError("command line", str(path), "a behavioural constant "
                                "(behaviour.<block>.<name>): a truce's facts and terms are "
                                "what its files say")
    if not folder.is_dir():
        raise ScenarioError(folder, "", "expected a folder of truces (one subfolder each, "
                            f"with {SCENARIO_FILE} and {OUTCOME_FILE}): not found or not a "
                            "folder")
    if (folder / SCENARIO_FILE).is_file() and (folder / OUTCOME_FILE).is_file():
        return Corpus(folder, (load_truce(folder, behaviour),))
    truces, skipped = [], []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        has = [(sub / name).is_file() for name in (SCENARIO_FILE, OUTCOME_FILE)]
        if all(has):
            truces.append(load_truce(sub, behaviour))
        elif any(has):
            missing = OUTCOME_FILE if has[0] else SCENARIO_FILE
            skipped.append((sub, f"no {missing}"))
    if not truces:
        also = f" ({len(skipped)} incomplete: " + ", ".join(
            f"{p.name}: {why}" for p, why in skipped) + ")" if skipped else ""
        raise ScenarioError(folder, "", f"no truce found: expected subfolders each with "
                            f"{SCENARIO_FILE} and {OUTCOME_FILE}{also}")
    return Corpus(folder, tuple(truces), tuple(skipped))
