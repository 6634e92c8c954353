"""Sobol' and Morris sweeps: SALib's points in SALib's order, indices that recover known
answers, the outputs of a run, and clean refusals.

The analysis is checked on synthetic per-point tables (no model runs) where the answer
is known analytically; one tiny sweep goes through the command line end to end.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from SALib.sample import morris, sobol

from sim.analysis.global_sensitivity import indices, outputs
from sim.present.cli import main
from sim.scenario.global_designs import GlobalDesign
from sim.scenario.sweep import load_sweep

from conftest import REFERENCE

PARAMS = {"mechanisms.penalties.strength": (0.0, 5.0), "actors.russia.commitment": (0.0, 1.0),
          "behaviour.party.gain": (0.5, 1.5)}


def sweep_file(folder, design: str, replications: int = 20, axis: str = "{range: [%g, %g]}"):
    lines = "".join(f"    {p}: {axis % bounds}\n" for p, bounds in PARAMS.items())
    path = folder / "global.yaml"
    path.write_text(f"extends: {REFERENCE}\nname: global\ntime: {{horizon_days: 8}}\n"
                    f"sweep:\n  parameters:\n{lines}  design: {design}\n"
                    f"  replications: {replications}\n", encoding="utf-8")
    return path


def problem() -> dict:
    return {"num_vars": len(PARAMS), "names": list(PARAMS),
            "bounds": [list(b) for b in PARAMS.values()]}


@pytest.mark.parametrize("design, sample", [
    ("{sobol: {base_samples: 8, seed: 3}}",
     lambda: sobol.sample(problem(), 8, calc_second_order=False, seed=3)),
    ("{morris: {trajectories: 4, levels: 4, seed: 3}}",
     lambda: morris.sample(problem(), 4, num_levels=4, seed=3)),
], ids=["sobol", "morris"])
def test_the_points_are_salibs_sample_in_order_and_each_scenario_carries_them(
        tmp_path, design, sample):
    plan = load_sweep(sweep_file(tmp_path, design), seed=1)
    expected = sample()
    assert len(expected) == len(plan.scenarios) == plan.global_design.points
    assert plan.values.astype(float).tolist() == expected.tolist()    # exactly, in order
    for row, scenario in zip(expected, plan.scenarios, strict=True):
        assert scenario.mechanisms.penalties.strength == row[0]
        assert scenario.actors["russia"].commitment == row[1]
        assert scenario.behaviour.party.gain == row[2]


# -- the analysis on synthetic tables -------------------------------------------------

NAMES = ("a", "b", "c", "d")
BOUNDS = ((0.0, 1.0), (0.0, 2.0), (0.0, 1.0), (-1.0, 1.0))
SLOPES = np.array([4.0, 1.0, 0.0, 0.5])   # c has no effect on survival
HORIZON = 14.0


def synthetic(design: GlobalDesign) -> tuple[pd.DataFrame, np.ndarray]:
    """A per-point table: survival linear in the parameters, and a median collapse day that
    depends on c alone and passes the horizon (no median: NaN) where c > 0.6."""
    x = design.sample("synthetic")
    median = 2 + 20 * x[:, 2]
    table = pd.DataFrame(x, columns=list(NAMES)).assign(
        point=np.arange(len(x)), replications=100, p_survive=x @ SLOPES,
        median_collapse_day_km=np.where(median <= HORIZON, median, np.nan),
        horizon_days=HORIZON)
    return table.sample(frac=1, random_state=0), x   # shuffled: order comes from 'point'


def test_outputs_count_a_median_beyond_the_horizon_as_the_horizon():
    table, x = synthetic(GlobalDesign("sobol", 8, 1, NAMES, BOUNDS))
    median = outputs(table)["median_collapse_day_km"].to_numpy()
    np.testing.assert_allclose(median, np.minimum(2 + 20 * x[:, 2], HORIZON))


def test_sobol_indices_rank_the_parameters_and_hold_the_analytic_values():
    """For a linear additive function S1 = ST = a_i^2 var(x_i) / sum_j a_j^2 var(x_j).

    Tolerance: each estimate lies within SALib's bootstrap 95% half-width of the analytic
    value (fixed seed, N = 512: about 0.1 for the largest index); 1e-9 allows for a
    parameter with no effect, estimated at exactly 0 with a zero-width interval.
    """
    design = GlobalDesign("sobol", 512, 7, NAMES, BOUNDS)
    table, _ = synthetic(design)
    result = indices(table, design)
    assert list(result.columns) == ["parameter", "output", "index", "value", "conf"]
    variance = SLOPES ** 2 * np.array([(hi - lo) ** 2 for lo, hi in BOUNDS]) / 12
    truth = dict(zip(NAMES, variance / variance.sum(), strict=True))
    survival = result[result["output"] == "p_survive"]
    assert list(dict.fromkeys(survival["parameter"])) == ["a", "b", "d", "c"]
    for row in survival.itertuples():
        assert abs(row.value - truth[row.parameter]) <= row.conf + 1e-9, row
    # the median collapse day moves with c alone, non-linearly (capped at the horizon)
    median = result[(result["output"] == "median_collapse_day_km") & (result["index"] == "ST")]
    assert median["parameter"].iloc[0] == "c"
    assert median["value"].iloc[0] > 0.9
    assert (median["value"].iloc[1:].abs() <= median["conf"].iloc[1:] + 1e-9).all()


def test_morris_mu_star_is_each_slope_over_its_range():
    """For a linear function every elementary effect of x_i is a_i (hi_i - lo_i) in SALib's
    scaling, so mu* is exactly that and sigma is 0."""
    design = GlobalDesign("morris", 20, 7, NAMES, BOUNDS, levels=4)
    table, _ = synthetic(design)
    result = indices(table, design)
    survival = result[result["output"] == "p_survive"].set_index(["parameter", "index"])
    assert list(dict.fromkeys(survival.index.get_level_values(0))) == ["a", "b", "d", "c"]
    for name, slope, (lo, hi) in zip(NAMES, SLOPES, BOUNDS, strict=True):
        assert survival.loc[(name, "mu_star"), "value"] == pytest.approx(slope * (hi - lo))
        assert survival.loc[(name, "sigma"), "value"] == pytest.approx(0, abs=1e-9)


# -- the command line ------------------------------------------------------------------

def test_a_tiny_sobol_sweep_writes_its_indices_chart_and_words(tmp_path, capsys):
    path = sweep_file(tmp_path, "{sobol: {base_samples: 8, seed: 3}}")
    out = tmp_path / "out"
    assert main([str(path), "--out", str(out), "-q"]) == 0, capsys.readouterr().err
    written = pd.read_csv(out / "sensitivity.csv")
    assert len(written) == 2 * len(PARAMS) * 2          # outputs x parameters x (S1, ST)
    assert set(written["output"]) == {"p_survive", "median_collapse_day_km"}
    # the indices are those of the per-point table the run wrote
    plan = load_sweep(path, seed=1)
    pd.testing.assert_frame_equal(written, indices(pd.read_csv(out / "points.csv"),
                                                   plan.global_design))
    assert (out / "sensitivity.png").read_bytes().startswith(b"\x89PNG")
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "## Which parameters matter" in summary and "bootstrap" in summary
    assert "20 replications" in summary


def refused(capsys, path, out) -> str:
    """Run the command line on bad input: exit 2, one line, nothing written."""
    assert main([str(path), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert not out.exists()
    return err


@pytest.mark.parametrize("design, axis, says", [
    ("{sobol: {base_samples: 100, seed: 3}}", "{range: [%g, %g]}",
     "sweep.design.sobol.base_samples: must be a power of two"),
    ("{sobol: {base_samples: 8, seed: 3}}", "{values: [%g, %g]}",
     "the sobol design samples ranges; give 'range'"),
    ("{morris: {trajectories: 4, levels: 5, seed: 3}}", "{range: [%g, %g]}",
     "sweep.design.morris.levels: must be even"),
], ids=["not-a-power-of-two", "values-axes", "odd-morris-levels"])
def test_bad_designs_are_refused_in_one_line(tmp_path, capsys, design, axis, says):
    path = sweep_file(tmp_path, design, axis=axis)
    assert says in refused(capsys, path, tmp_path / "out")


def test_without_salib_the_design_is_refused_with_how_to_install_it(tmp_path, capsys,
                                                                  monkeypatch):
    for name in [m for m in sys.modules if m == "SALib" or m.startswith("SALib.")] + ["SALib"]:
        monkeypatch.setitem(sys.modules, name, None)     # import SALib... fails
    path = sweep_file(tmp_path, "{sobol: {base_samples: 8, seed: 3}}")
    assert refused(capsys, path, tmp_path / "out") == (
        f"error: {path}: sweep.design: the sobol design needs SALib "
        "(pip install 'ceasefire-sim[sensitivity]')\n")
