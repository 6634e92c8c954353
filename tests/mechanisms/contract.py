"""The contract every mechanism class passes (``sim.core.mechanism``), as one test class that
each mechanism's test module inherits (as every Axelrod strategy inherits ``TestPlayer``).

A subclass sets ``cls`` (the mechanism), for an optional mechanism (absent unless written)
``WRITTEN`` (overrides that write its block on the reference), and may set ``DIRECTIONS``: the terms it must move
7-day survival with, each as ``(path, low, high, sign)``, checked on the reference scenario
at the hand-set constants with common random numbers (``direction``). The slow suite checks
the same directions under the shipped posterior with more replications
(``tests/test_mechanisms.py``).
"""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

import numpy as np
import pytest

from sim.agents.registry import MECHANISMS, declared
from sim.core.mechanism import CONTRIBUTIONS, PHASES, Encodes, Mechanism, Record
from sim.core.stacking import Compiled
from sim.model.model import CeasefireModel
from sim.model.results import Results
from sim.run.experiment import run_scenario
from sim.scenario.loading import load_scenario
from sim.scenario.schema import Behaviour, Mechanisms

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "scenarios" / "kerry_lavrov.yaml"
PHASE_NAMES = [name for name, _ in PHASES]

#: Replications of each arm of a direction check. With common random numbers the paired
#: differences of survival are far less noisy than two independent runs; the check asks
#: the mean difference to exceed three standard errors of the per-replication differences
#: (a one-sided test at about the 0.1% level) and one point, the same rule as the slow
#: suite's, at a quarter of its replications: every direction declared here exceeds it
#: several times over for this seed, so the check is stable and fails if a mechanism
#: stops acting.
R_DIRECTION = 400
SEED = 11


def reference(overrides: dict | None = None):
    return load_scenario(REFERENCE, overrides)


def survival(overrides: dict) -> np.ndarray:
    results = run_scenario(reference(overrides), R_DIRECTION, SEED, record_daily=False)
    return results.survived_to(7).astype(float)


def direction(path: str, low, high, sign: int) -> tuple[float, float]:
    """(mean paired difference high - low in 7-day survival, its standard error)."""
    diff = survival({path: high}) - survival({path: low})
    return float(diff.mean()) * sign, float(diff.std(ddof=1) / np.sqrt(len(diff)))


def agents_of(model: CeasefireModel, cls: type) -> list:
    behaving = [*model._actors, model.monitoring, model.jic, model.convoys, *model.fronts]
    return [a for a in behaving if isinstance(a, cls)]


class MechanismContract:
    """Checks every mechanism class must pass; ``cls`` is set by the subclass."""

    cls: type[Mechanism]
    DIRECTIONS: tuple[tuple[str, object, object, int], ...] = ()
    WRITTEN: dict = {}

    # -- what it declares ---------------------------------------------------------------

    def test_it_is_registered_once(self):
        assert list(MECHANISMS).count(self.cls) == 1

    def test_its_declarations_are_its_own_and_consistent(self):
        key, terms = declared(self.cls, "key"), declared(self.cls, "Terms")
        assert (key is None) == (terms is None), "key and Terms come together"
        bkey, behaviour = declared(self.cls, "behaviour_key"), declared(self.cls, "Behaviour")
        assert (bkey is None) == (behaviour is None), "behaviour_key and Behaviour together"
        assert "encodes" in self.cls.__dict__, "it says which sentences it encodes (or none)"
        for e in declared(self.cls, "encodes"):
            assert isinstance(e, Encodes) and e.quote and e.methods and e.effect

    def test_its_blocks_are_assembled_into_the_schema(self):
        key, bkey = declared(self.cls, "key"), declared(self.cls, "behaviour_key")
        if key and declared(self.cls, "optional"):       # absent unless written, and then inert
            assert Mechanisms.model_fields[key].annotation == declared(self.cls, "Terms") | None
            assert getattr(reference().mechanisms, key) is None
            assert self.WRITTEN, "an optional mechanism's test writes its block (WRITTEN)"
            assert key not in reference().model_dump(mode="json")["mechanisms"]
        elif key:
            assert Mechanisms.model_fields[key].annotation is declared(self.cls, "Terms")
        if bkey:
            assert Behaviour.model_fields[bkey].annotation is declared(self.cls, "Behaviour")

    def test_its_constants_are_typed_and_documented(self):
        for block in (declared(self.cls, "Terms"), declared(self.cls, "Behaviour")):
            for name, field in (block.model_fields.items() if block else ()):
                assert field.description, f"{name} has no meaning"
                if field.annotation in (float, int):
                    extra = field.json_schema_extra or {}
                    assert extra.get("unit") and extra.get("source"), f"{name}: unit, source"
        for attribute, method, arrays in self.cls.__dict__.get("compiles", ()):
            assert issubclass(arrays, Compiled) and dataclasses.is_dataclass(arrays)
            assert callable(getattr(self.cls, method))

    def test_its_phases_are_phases_of_the_day_and_its_methods_exist(self):
        for phase, rank, method in declared(self.cls, "phases"):
            assert phase in PHASE_NAMES and isinstance(rank, int)
            assert callable(getattr(self.cls, method, None)), method

    def test_its_records_are_results(self):
        """A name it records is a built-in field of ``Results``, or a ``Record`` it declares,
        which the recorder allocates and the replication table shows."""
        fields = {f.name for f in dataclasses.fields(Results)}
        for record in declared(self.cls, "records"):
            if isinstance(record, Record):
                assert record.name not in fields and record.meaning, record
            else:
                assert record in fields, record
        if any(phase == "record" for phase, _, _ in declared(self.cls, "phases")):
            assert declared(self.cls, "records"), "it records something it names"

    # -- what it does on a model -------------------------------------------------------

    @pytest.fixture(scope="class")
    @classmethod
    def model(cls):
        model = CeasefireModel(reference(), 3, rng=5)
        model.step()
        return model

    def test_its_contributions_to_a_weighing_have_the_weighing_shape(self, model):
        G, R = model.theatre.n_regions, model.replications
        for term in self.cls.contributions():
            assert term in CONTRIBUTIONS
            for party in model.parties:
                if term == "pinned_cost":
                    value = self.cls.pinned_cost(model.base)
                    assert np.ndim(value) == 0 and value >= 0
                    continue
                value = np.asarray(getattr(self.cls, term)(party))
                assert np.broadcast_shapes(value.shape, (G, R)) == (G, R), term

    def test_its_state_has_the_replication_axis_last(self, model):
        R = model.replications
        for agent in agents_of(model, self.cls):
            for name, value in vars(agent).items():
                if isinstance(value, np.ndarray) and value.ndim and not name.startswith("_") \
                        and value.dtype != object and name not in ("fronts", "trusted",
                                                                   "slot", "observers",
                                                                   "besieged_sieges",
                                                                   "targets"):
                    assert value.shape[-1] == R, (type(agent).__name__, name, value.shape)

    def test_its_constants_stack_over_two_parameter_sets(self):
        """A term or constant it declares that differs between two parameter sets of one
        model is stacked on the replication axis for the agents that read it, and no
        other agent's constants change."""
        base = reference(self.WRITTEN)
        path = self._a_numeric_parameter()
        if path is None:
            pytest.skip(f"{self.cls.__name__} declares no numeric term or constant")
        value = _nudged(base, path)
        other = load_scenario(REFERENCE, {**self.WRITTEN, path: value})
        model = CeasefireModel(base, 2, rng=1, variants=[base, other])
        alone = CeasefireModel(base, 2, rng=1)
        stacked = 0
        for a, b in zip(_compiling(model), _compiling(alone), strict=True):
            for x, y in zip(_arrays(a), _arrays(b), strict=True):
                if x.shape[-1] == model.replications:      # differs between the two sets
                    stacked += 1
                    assert np.array_equal(x[..., :2], np.broadcast_to(y, y.shape[:-1] + (2,)))
                else:                                       # the same in both
                    assert np.array_equal(x, y)
        assert stacked, f"nothing compiled reads {path}"

    def _a_numeric_parameter(self) -> str | None:
        for prefix, block in (("mechanisms." + str(declared(self.cls, "key")),
                               declared(self.cls, "Terms")),
                              ("behaviour." + str(declared(self.cls, "behaviour_key")),
                               declared(self.cls, "Behaviour"))):
            for name, field in (block.model_fields.items() if block else ()):
                if field.annotation is float:
                    return f"{prefix}.{name}"
        return None

    def test_it_draws_only_from_its_own_streams(self):
        """Every uniform an agent of this class draws comes from a stream named after it
        (``<name>.<process>``), whether it is a stream of the step or a keyed one."""
        model = CeasefireModel(reference(), 4, rng=2)
        drawn: list[tuple[object, str]] = []
        streams = model.streams
        plain, keyed = streams.uniforms, streams.at

        def caller() -> object:
            frame = inspect.currentframe().f_back.f_back
            while frame is not None and "self" not in frame.f_locals:
                frame = frame.f_back
            return frame.f_locals.get("self") if frame else None

        streams.uniforms = lambda name, rows=1, *skip: (drawn.append((caller(), name)),
                                                        plain(name, rows, *skip))[1]
        streams.at = lambda name, *a, **k: (drawn.append((caller(), name)), keyed(name, *a, **k))[1]
        for _ in range(3):
            model.step()
        mine = [(agent, name) for agent, name in drawn if isinstance(agent, self.cls)]
        if not mine:
            pytest.skip(f"{self.cls.__name__} draws no random numbers of its own")
        for agent, name in mine:
            assert name.split(".")[0] == agent.name, (type(agent).__name__, name)

    def test_switched_off_it_shifts_no_other_stream(self):
        """With its ``enabled`` term off, every other stream's first day of numbers is the
        same (each random process has its own stream: common random numbers)."""
        terms = declared(self.cls, "Terms")
        key = declared(self.cls, "key")
        if declared(self.cls, "optional"):   # written or not: its own streams only
            on_off = (self.WRITTEN, {})
        elif terms is None or "enabled" not in terms.model_fields:
            pytest.skip(f"{self.cls.__name__} has no switch")
        else:
            on_off = ({}, {f"mechanisms.{key}.enabled": False})

        def first_day(overrides) -> dict:
            model = CeasefireModel(reference(overrides), 6, rng=4)
            seen: dict = {}
            plain = model.streams.uniforms
            # drawn in full, skipping no settled world's rows (tests/test_settled.py): every
            # number, whichever worlds the switch settles
            model.streams.uniforms = lambda name, rows=1, *skip: seen.setdefault(
                (name, rows, len(seen)), plain(name, rows).copy())
            model.step()
            return {(n, r): v for (n, r, _), v in seen.items()}

        on, off = first_day(on_off[0]), first_day(on_off[1])
        for stream in set(on) & set(off):
            assert np.array_equal(on[stream], off[stream]), stream

    # -- what it changes --------------------------------------------------------------

    def test_it_moves_survival_in_its_stated_direction(self):
        if not self.DIRECTIONS:
            pytest.skip(f"{self.cls.__name__} declares no direction of its own")
        for path, low, high, sign in self.DIRECTIONS:
            effect, se = direction(path, low, high, sign)
            assert effect > max(3 * se, 0.01), (path, low, high, effect, se)


def _compiling(model: CeasefireModel) -> list:
    """The model and every agent that compiles constants, in order."""
    return [model, *model._actors, model.monitoring, model.jic, model.convoys]


def _arrays(owner) -> list[np.ndarray]:
    """Every compiled array of an agent (all its namespaces) or of the model."""
    if isinstance(owner, CeasefireModel):
        namespaces = [owner.k, *owner.compiled.values()]
    else:
        namespaces = [getattr(owner, attribute) for attribute, _, _ in type(owner).compiled()]
    return [np.asarray(getattr(ns, f.name)) for ns in namespaces
            for f in dataclasses.fields(ns)]


def _nudged(scenario, path: str):
    """A value of ``path`` other than the scenario's, inside its range."""
    node = scenario
    for part in path.split("."):
        node = getattr(node, part)
    return node * 0.5 if node else 0.5
