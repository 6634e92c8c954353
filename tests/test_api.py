"""The notebook API (``sim.api``), its charts outside the command line, and the Mesa
conventions of the model (a ``DataCollector`` at R = 1, ``mesa.batch_run``)."""

from __future__ import annotations

import multiprocessing
import re
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim import api
from sim.model.model import CeasefireModel
from sim.model.results import TRIGGERS
from sim.present.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run() -> api.Run:
    return api.run("kerry_lavrov", replications=100, seed=5)


def test_import_sim_is_cheap_and_lazy():
    """``import sim`` loads neither the model nor numpy; the API's names come on first use."""
    import sim
    code = ("import sys, sim; print([m for m in ('numpy', 'mesa', 'sim.api') "
            "if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"
    assert sim.load_scenario is api.load_scenario and sim.compare is api.compare
    with pytest.raises(AttributeError):
        sim.nothing_here  # noqa: B018


def test_a_run_equals_the_main_job(run, tmp_path):
    """Same scenario, seed and replications: the same rows as ``run.py`` writes."""
    assert main(["kerry_lavrov", "-r", "100", "-s", "5", "--no-compare", "--no-charts", "-q",
                 "--out", str(tmp_path / "out")]) == 0
    written = pd.read_parquet(tmp_path / "out" / "replications.parquet")
    pd.testing.assert_frame_equal(run.to_frame(), written)
    assert len(run.daily()) > 0 and set(run.daily()["series"]) >= {"truce_holding", "trust"}


def test_what_does_not_apply_is_missing_not_blank(run):
    """No collapse, nobody declared, no trigger: missing values, as the CSV reads back, so
    a groupby has no blank group to patch by hand."""
    table = run.to_frame()
    for column in ("collapse", "declared_by", "trigger"):
        assert "" not in set(table[column].dropna()), column
    assert table["trigger"].isna().equals(table["formal_collapse_day"].isna())
    assert set(table.groupby("trigger").size().index) <= set(TRIGGERS)


def test_summary_has_both_intervals_and_draws_their_constants(run):
    s = run.summary()
    assert s.replications == 100 and s.draws == 5 and s.p_survive_ci[0] < s.p_survive
    draws = run.draws()
    assert len(draws) == 5 and "behaviour.monitoring.bias" in draws.columns
    assert "Truce survives its 7 days" in str(run)


def test_point_and_no_posterior_have_no_draws():
    for kwargs in ({"point": True}, {"posterior": None}):
        r = api.run("kerry_lavrov", replications=40, seed=5, daily=False, **kwargs)
        assert r.summary().draws == 0 and r.summary().p_survive_params is None
        with pytest.raises(ValueError, match="no posterior draws"):
            r.draws()
        with pytest.raises(ValueError, match="daily=True"):
            r.plot("trust")


def test_overrides_change_the_scenario():
    sc = api.load_scenario("kerry_lavrov", {"mechanisms.penalties.strength": 2})
    assert sc.mechanisms.penalties.strength == 2
    # its charts and reports must not carry the unchanged truce's title
    assert sc.name == "Kerry–Lavrov truce, September 2016, with mechanisms.penalties.strength = 2"
    assert api.load_scenario("kerry_lavrov", {"name": "Mine"}).name == "Mine"
    assert api.load_scenario(ROOT / "scenarios" / "kerry_lavrov.yaml") == \
        api.load_scenario("kerry_lavrov")


def test_charts_return_figures_without_pyplot(run):
    """In a notebook a returned figure shows inline: no backend is forced, no pyplot figure
    is left open, and a chart draws into the caller's axes when given them."""
    before = plt.get_fignums()
    for chart in api.CHARTS:
        assert isinstance(run.plot(chart), Figure)
    assert plt.get_fignums() == before
    fig, (left, right) = plt.subplots(1, 2)
    try:
        assert run.plot("survival", ax=right) is fig
        assert right.get_title().startswith("Kerry–Lavrov") and not left.has_data()
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="chart must be one of"):
        run.plot("nonsense")


def test_a_returned_chart_shows_inline_in_ipython(run):
    """IPython displays a returned chart as a PNG even before any pyplot figure has switched
    a notebook's inline backend on (a plain Figure would show as '<Figure size ...>')."""
    shell = pytest.importorskip("IPython.core.interactiveshell")   # dev group, via pyabc
    data, _ = shell.InteractiveShell.instance().display_formatter.format(run.plot("survival"))
    assert data["image/png"][:4] == b"\x89PNG"


def test_only_the_command_line_chooses_a_backend():
    users = [p.relative_to(ROOT).as_posix() for p in (ROOT / "sim").rglob("*.py")
             if re.search(r"matplotlib\.use\(", p.read_text(encoding="utf-8"))]
    assert users == ["sim/present/charts/backend.py"]


def test_compare_is_paired_and_refuses_other_conflicts():
    c = api.compare("kerry_lavrov", "counterfactuals/with_penalties", replications=100,
                    seed=5, point=True)
    assert len(c.comparisons) == 1 and len(c.table()) == 1
    (penalties,) = c.comparisons
    assert penalties.survival.difference > 0          # penalties help (tests/test_mechanisms)
    alone = api.run("kerry_lavrov", replications=100, seed=5, point=True)
    np.testing.assert_array_equal(c.base.results.collapse_day, alone.results.collapse_day)
    assert isinstance(c.plot(), Figure) and "with_penalties" in str(c)
    with pytest.raises(ValueError, match=r"time\.step_hours: 2 here, 1 in"):   # other times
        api.compare("kerry_lavrov", ROOT / "tests" / "data" / "unseen_conflict.yaml",
                    replications=20, point=True)


def test_a_scenario_changed_in_memory_is_named_by_its_change():
    base = api.load_scenario("kerry_lavrov")
    changed = base.model_copy(update={"mechanisms": base.mechanisms.model_copy(
        update={"penalties": base.mechanisms.penalties.model_copy(update={"strength": 2.0})})})
    loaded = api.load_scenario("kerry_lavrov", {"mechanisms.penalties.strength": 2})
    c = api.compare("kerry_lavrov", changed, loaded, replications=20, seed=5, point=True)
    assert c.comparisons[0].name == "mechanisms.penalties.strength=2.0"     # kept its name
    assert c.comparisons[1].name == loaded.name                            # named by loading
    assert "  mechanisms.penalties.strength=2.0 " in str(c) and isinstance(c.plot(), Figure)


def test_compare_defaults_to_the_counterfactuals():
    c = api.compare("kerry_lavrov", replications=20, seed=5, point=True)
    assert len(c.others) == 6


def test_one_world_carries_a_datacollector_and_an_ensemble_does_not():
    model = api.from_file("kerry_lavrov", rng=3)
    while model.running:
        model.step()
    days = model.datacollector.get_model_vars_dataframe()
    assert list(days["day"]) == list(range(model.n_days + 1))
    assert days["standing"].iloc[0] and days["mean_trust"].between(0, 1).all()
    # the same days as the model's own records
    r = model.results()
    np.testing.assert_allclose(days["violence"].iloc[1:], r.violence_day[0])
    np.testing.assert_allclose(days["fronts_holding"].iloc[1:], r.holding_day[0])
    assert days["declared_over"].iloc[-1] == (r.formal_day[0] >= 0)
    assert days["standing"].iloc[-1] == np.isnan(r.collapse_day[0])
    assert api.from_file("kerry_lavrov", replications=4, rng=3).datacollector is None


def test_batch_run_returns_a_row_per_run():
    """``mesa.batch_run`` builds the model from keyword values (a scenario's name and
    overrides, through ``api.from_file``) and reads its DataCollector; it switches
    multiprocessing to 'spawn' for the whole process, so the test puts the start method
    back."""
    from mesa import batch_run
    method = multiprocessing.get_start_method(allow_none=True)
    try:
        rows = batch_run(api.from_file, parameters={
            "scenario": "kerry_lavrov",
            "overrides": [{"mechanisms.penalties.strength": s} for s in (0.0, 3.0)]},
            rng=[1, 2], max_steps=7, display_progress=False)
    finally:
        multiprocessing.set_start_method(method, force=True)
    table = pd.DataFrame(rows)
    assert len(table) == 4 and set(table["rng"]) == {1, 2}
    assert {"standing", "violence", "mean_trust", "fronts_holding"} <= set(table.columns)
    assert (table["day"] == 7).all()


def test_the_model_reads_no_files():
    """The model takes a loaded Scenario only; a file's name is the API's to load."""
    with pytest.raises(TypeError, match="api.from_file"):
        CeasefireModel("kerry_lavrov")
    model = api.from_file("kerry_lavrov", {"mechanisms.penalties.strength": 2.0}, rng=3)
    assert model.scenarios[0].mechanisms.penalties.strength == 2.0


def test_a_summary_reads_as_plain_numbers(run):
    """Its repr, as a notebook shows it, has Python floats only: no ``np.float64(...)``."""
    assert "np." not in repr(run.summary())
