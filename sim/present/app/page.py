"""The browser app: one truce, day by day, under terms set with sliders (Mesa's SolaraViz).

    uv run solara run sim/present/app/page.py     # or: python run.py app [SCENARIO.yaml]

The page shows the truce's status and the day just run, the fronts on their network
coloured by state, the parties' violence and the beliefs of the key pairs over time, and
a button that runs the same terms over an ensemble and draws its survival curve beside the
last few ensembles (before/after). Slider changes apply on Reset (Mesa's controller
re-creates the model with them), as a new run would.

The page is laid out here, not by Mesa's ``SolaraViz``: that adds its own controls (play
and render intervals, "Use Threads"), a "Page 0" tab, a time counter and a grid of
draggable panels, none of which this truce needs. Mesa's ``ModelController`` (Step, play,
Reset) is used as it is; the terms' values live in one reactive dict made with the page
(no effect fills it later), which the controller reads on Reset.

Each browser session gets its own model, made when its page first renders (nothing is
built at import). The scenario is the reference, or ``$CEASEFIRE_APP_SCENARIO``.
"""

from __future__ import annotations

import os

import solara
from mesa.visualization.solara_viz import ModelController

from sim.present.app.ensembles import KEPT, Kept, ensembles_chart, keep, kept
from sim.present.app.model import (ENSEMBLE_REPLICATIONS, FIRST_SEED, REFERENCE,
                                   SCENARIO_ENV, Term, TruceModel, terms)
from sim.present.app.panels import (DayChart, FrontNetwork, StatusPanel, TermInput,
                                    TermsPanel, trust_chart, violence_chart)
from sim.present.charts.backend import files_backend
from sim.run.posterior import REPLICATIONS_PER_DRAW
from sim.scenario.schema import Scenario

#: Play's pace: a day every 0.3 s, slow enough to read the day's story as it goes.
PLAY_MS = 300


def scenario_file() -> str:
    return os.environ.get(SCENARIO_ENV) or str(REFERENCE)


def first_settings(path: str, sliders: list[Term]) -> dict:
    """What Reset passes to ``TruceModel`` before anything is moved: the scenario file
    (fixed), the first seed and each term at the file's value, keyed by its dotted path
    (``TruceModel`` applies them as ``--set``)."""
    return {"scenario_file": path, "seed": FIRST_SEED, **{t.path: t.value for t in sliders}}


@solara.component
def Ensembles(model: TruceModel, original: Scenario, history: solara.Reactive[tuple]):
    """The ensemble button: the terms of the truce shown over ``ENSEMBLE_REPLICATIONS``
    replications under the shipped posterior, kept with the last ``KEPT`` ensembles on one
    survival chart (a rerun of the same settings replaces its copy); Clear empties it."""
    def run() -> None:
        history.set(keep(history.value, kept(model, original)))

    kept_now: tuple[Kept, ...] = history.value
    with solara.Card("Many truces on these terms") as card:
        with solara.Row():
            solara.Button(f"Run {ENSEMBLE_REPLICATIONS} replications", color="primary",
                          on_click=run)
            solara.Button("Clear the chart", on_click=lambda: history.set(()),
                          disabled=not kept_now)
        solara.Markdown(f"The terms of the truce shown (after Reset), under the calibrated "
                        f"behavioural constants, a posterior draw per {REPLICATIONS_PER_DRAW} "
                        f"replications, as the main job runs them. The chart keeps the last "
                        f"{KEPT} ensembles, each named by what it changes from the file.")
        if kept_now:
            solara.Markdown("  \n".join(
                f"**{k.label}**: survives its {k.duration_days:g} days in {k.survived:.0%} "
                f"of {k.replications} replications" for k in kept_now))
            solara.FigureMatplotlib(ensembles_chart(kept_now), format="png",
                                    bbox_inches="tight")
    return card


@solara.component
def Page():
    files_backend()             # the app, like the command line, draws off screen
    path = scenario_file()
    first = solara.use_memo(lambda: TruceModel(path), [])
    model = solara.use_reactive(first)
    sliders = solara.use_memo(lambda: terms(first.terms_scenario), [])
    settings = solara.use_reactive(solara.use_memo(lambda: first_settings(path, sliders), []))
    history = solara.use_reactive(())
    play_ms, per_step, threads = (solara.use_reactive(PLAY_MS), solara.use_reactive(1),
                                  solara.use_reactive(False))
    shown = model.value

    with solara.AppBar():
        solara.AppBarTitle(first.base.name)
    with solara.Sidebar():
        with solara.Card("Run the truce"):
            ModelController(model, model_parameters=settings, play_interval=play_ms,
                            render_interval=per_step, use_threads=threads)
            solara.Markdown("Step runs a day; ▶ plays them; Reset starts a new truce with "
                            "the seed and terms below.")
        with solara.Card("Seed and terms (applied on Reset)"):
            solara.InputInt("seed (the same seed, the same truce)",
                            value=settings.value["seed"],
                            on_value=lambda s: settings.set({**settings.value,
                                                             "seed": max(1, int(s or 1))}))
            for t in sliders:
                TermInput(t, settings)
    with solara.Columns([1, 1]):
        StatusPanel(shown)
        FrontNetwork(shown)
    with solara.Columns([1, 1]):
        DayChart(shown, violence_chart)
        DayChart(shown, trust_chart)
    with solara.Columns([1, 2]):
        TermsPanel(shown, sliders, settings.value)
        Ensembles(shown, first.terms_scenario, history)
