"""The charts read at a glance: display names from the scenario, comparisons sorted by
effect, one end-of-truce line, files in every format asked for.

Each check reads the figure's text artists and lines (what a chart says), never its pixels.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from matplotlib.text import Text

from sim.analysis.comparison import Comparison, Effect
from sim.analysis.summary import summarize
from sim.present.charts.comparison import comparison_forest
from sim.present.charts.figures import END_OF_TRUCE, MAX_TEXT, save_figure
from sim.present.charts import scenario as charts
from sim.present.charts.labels import Labels, prettified
from sim.scenario.loading import ScenarioError, load_scenario
from tests.conftest import REFERENCE, run, run_main


def texts(fig) -> list[str]:
    """Every text the figure draws: titles, tick labels, legend entries, annotations."""
    fig.canvas.draw()
    ticks = [t for ax in fig.axes for t in (*ax.get_xticklabels(), *ax.get_yticklabels())]
    return [t.get_text() for t in (*fig.findobj(Text), *ticks) if t.get_text()]


@pytest.fixture(scope="module")
def results():
    return run(REFERENCE, 60, 5, daily=True)


def test_names_are_prettified_and_labels_win():
    assert prettified("united_states") == "United States"
    assert prettified("US_envoy") == "US Envoy"
    named = Labels.of(load_scenario(REFERENCE, {"actors.united_states.label": "the US",
                                                "regions.idlib.label": "Idlib province"}))
    assert named("united_states") == "the US" and named("idlib") == "Idlib province"
    assert named("russia") == "Russia"
    # a short actor name is an acronym, as the story says it; a short region is not
    assert named("isis") == "ISIS" and named("hama") == "Hama"
    assert Labels.of(load_scenario(REFERENCE, {"actors.isis.label": "Islamic State"}))(
        "isis") == "Islamic State"
    assert named.pair("russia", "united_states") == "Russia's trust in the US"
    assert named.trigger("blocked_aid") == "Blocked aid"


def test_a_label_is_left_out_of_a_resolved_scenario_unless_written():
    """Manifests and fingerprints of scenarios that write no label stay as they were."""
    plain = load_scenario(REFERENCE).model_dump(mode="json")
    assert all("label" not in a for a in plain["actors"].values())
    labelled = load_scenario(REFERENCE, {"actors.isis.label": "ISIS"}).model_dump(mode="json")
    assert labelled["actors"]["isis"]["label"] == "ISIS"


def test_a_label_must_be_text():
    with pytest.raises(ScenarioError, match="actors.isis.label"):
        load_scenario(REFERENCE, {"actors.isis.label": [1, 2]})


def test_every_chart_names_actors_pairs_and_triggers_by_label(results):
    labels = Labels.of(load_scenario(REFERENCE, {"actors.united_states.label": "the US"}))
    s = summarize(results)
    drawn = {"violence": charts.violence_by_day(results, labels=labels),
             "trust": charts.trust_trajectories(results, labels=labels),
             "triggers": charts.collapse_triggers(s, labels=labels)}
    for name, fig in drawn.items():
        words = " ".join(texts(fig))
        assert "united_states" not in words and "blocked_aid" not in words, name
    assert any("the US" in t for t in texts(drawn["violence"]))
    assert "Russia's trust in the US" in texts(drawn["trust"])
    assert "Deliberate violations" in texts(drawn["triggers"])
    assert "Government" in texts(drawn["triggers"])


def _effect(difference: float) -> Effect:
    return Effect(base=0.4, counterfactual=0.4 + difference, difference=difference,
                  sampling=(difference - 0.05, difference + 0.05), parameters=None,
                  in_direction=None)


def test_the_comparison_chart_puts_the_largest_effect_on_top(results):
    """Sorted by |survival difference|, whatever its sign or the order given."""
    given = [("small", 0.02), ("harm", -0.30), ("help", 0.10), ("big", 0.50)]
    comparisons = [Comparison(name=f"Truce {n}", file=f"{n}.yaml", survival=_effect(d),
                              median_collapse_day=None) for n, d in given]
    fig = comparison_forest(comparisons, summarize(results))
    ticks = sorted(fig.axes[0].get_yticklabels(), key=lambda t: -t.get_position()[1])
    assert [t.get_text().split("\n")[0] for t in ticks] == [
        "Truce big", "Truce harm", "Truce help", "Truce small"]


def _end_lines(fig) -> list[float]:
    return [line.get_xdata()[0] for ax in fig.axes for line in ax.get_lines()
            if line.get_gid() == END_OF_TRUCE]


def test_one_end_of_truce_line_convention(results):
    """Charts through time mark it at duration_days; charts of daily bins centred on integer
    days at the edge after the truce's last bin, duration_days + 0.5 (figures.end_of_truce):
    the same instant, one style and one label everywhere."""
    s, d = summarize(results), results.duration_days
    through_time = [charts.survival_curve(results), charts.fronts_by_day(results),
                    charts.trust_trajectories(results)]
    binned = [charts.violence_by_day(results), charts.aid_delivered(results, s)]
    for fig in through_time:
        assert _end_lines(fig) and set(_end_lines(fig)) == {d}
    for fig in binned:
        assert _end_lines(fig) == [d + 0.5]
    styles = {(line.get_linestyle(), line.get_color(), line.get_label())
              for fig in through_time + binned for ax in fig.axes for line in ax.get_lines()
              if line.get_gid() == END_OF_TRUCE}
    assert styles == {("--", "k", f"end of the {d:g}-day truce phase")}


def test_trust_is_one_panel_per_pair_on_shared_axes(results):
    fig = charts.trust_trajectories(results)
    drawn = [ax for ax in fig.axes if ax.axison]
    assert len(drawn) == len(results.key_pairs) >= 2
    assert {ax.get_ylim() for ax in drawn} == {(0.0, 1.0)}
    assert len({ax.get_xlim() for ax in drawn}) == 1
    assert [ax.get_title() for ax in drawn] == [Labels().pair(a, b)
                                                for a, b in results.key_pairs]


def test_trust_draws_at_most_its_panel_cap_the_pairs_that_fell_most(results):
    """A scenario of many parties has hundreds of pairs: the chart keeps to the pairs whose
    mean trust fell most, in their order, and says so (552 pairs took 50 s to draw)."""
    import dataclasses
    pairs = results.key_pairs
    many = 3 * charts.MAX_TRUST_PANELS
    idx = [p % len(pairs) for p in range(many)]
    wide = dataclasses.replace(
        results, key_pairs=[pairs[i] for i in idx],
        trust_day=results.trust_day[:, :, idx] * np.linspace(1.0, 0.2, many),
        initial_trust=np.asarray(results.initial_trust)[idx])
    fig = charts.trust_trajectories(wide)
    drawn = [ax for ax in fig.axes if ax.axison]
    assert len(drawn) == charts.MAX_TRUST_PANELS
    start = np.asarray(wide.initial_trust)
    fall = start - wide.trust_day.mean(0)[-1]
    expected = sorted(np.argsort(-fall, kind="stable")[:charts.MAX_TRUST_PANELS].tolist())
    assert [ax.get_title() for ax in drawn] == [Labels().pair(*wide.key_pairs[p])
                                                for p in expected]
    assert any(f"{charts.MAX_TRUST_PANELS} of {many} pairs" in t for t in texts(fig))


def test_the_violence_chart_says_why_reported_lines_fall(results):
    words = texts(charts.violence_by_day(results))
    assert charts.REPORTED_FALL in words
    assert len(charts.REPORTED_FALL) <= MAX_TEXT   # drawn whole, never cut by save_figure


def test_format_flag_writes_each_format_and_the_manifest_lists_them(tmp_path, capsys):
    """--format png,svg,pdf: every chart in each format, the manifest lists every file, and
    the report links the PNG; the main job and compare alike."""
    out = tmp_path / "main"
    code, _, err = run_main([REFERENCE, "-r", 20, "--no-compare", "-o", out,
                             "--format", "svg,pdf,png"], capsys)
    assert code == 0, err
    listed = json.loads((out / "manifest.json").read_text())["charts"]
    stems = {p.stem for p in out.glob("*.png")}
    assert stems >= {"survival", "violence", "trust"}
    assert listed == sorted(f"{s}.{f}" for s in stems for f in ("png", "svg", "pdf"))
    assert all((out / name).stat().st_size > 0 for name in listed)
    assert (out / "survival.svg").read_text().lstrip().startswith("<?xml")
    assert (out / "survival.pdf").read_bytes().startswith(b"%PDF")
    assert "survival.png" in (out / "summary.md").read_text()
    out = tmp_path / "compare"
    code, _, err = run_main(["compare", REFERENCE, REFERENCE.parent / "counterfactuals" /
                             "with_penalties.yaml", "-r", 20, "-o", out, "--format", "svg"],
                            capsys)
    assert code == 0, err
    assert json.loads((out / "manifest.json").read_text())["charts"] == [
        "comparison.svg", "survival_by_scenario.svg"]
    assert not list(out.glob("*.png"))


def test_the_default_format_is_png_alone(tmp_path, capsys):
    out = tmp_path / "main"
    code, _, err = run_main([REFERENCE, "-r", 20, "--no-compare", "-o", out], capsys)
    assert code == 0, err
    assert not list(out.glob("*.svg")) and not list(out.glob("*.pdf"))
    assert json.loads((out / "manifest.json").read_text())["charts"] == sorted(
        p.name for p in out.glob("*.png"))


def test_a_vector_chart_is_the_same_bytes_each_time(results, tmp_path):
    """No date in an SVG or PDF, and SVG ids from a fixed salt: a rerun writes the same."""
    for run_ in ("a", "b"):
        (tmp_path / run_).mkdir()
        save_figure(charts.survival_curve(results), tmp_path / run_ / "s.png", ("svg", "pdf"))
    for suffix in ("svg", "pdf"):
        assert (tmp_path / "a" / f"s.{suffix}").read_bytes() == \
            (tmp_path / "b" / f"s.{suffix}").read_bytes()


@pytest.mark.parametrize("value", ["gif", "", "png,,jpeg"])
def test_an_unknown_format_is_refused_in_one_line(value, capsys):
    code, _, err = run_main([REFERENCE, "--format", value], capsys)
    assert code == 2
    assert "--format" in err and "png, svg, pdf" in err and "Traceback" not in err
