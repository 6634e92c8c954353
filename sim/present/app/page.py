"""The browser app: one truce, day by day, under terms set with sliders (Mesa's SolaraViz).

    uv run solara run sim/present/app/page.py     # or: python run.py app [SCENARIO.yaml]

The page shows the truce's status and the day just run, the fronts on their network
coloured by state, the parties' violence and the beliefs of the key pairs over time, and
a button that runs the same terms over an ensemble and draws its survival curve. Slider
changes apply on Reset (Mesa re-creates the model with them), as a new run would.

Each browser session gets its own model, made when its page first renders (nothing is
built at import). The scenario is the reference, or ``$CEASEFIRE_APP_SCENARIO``.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

import networkx as nx
import solara
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from mesa.visualization import Slider, SolaraViz, make_plot_component

from sim.agents.front import STATUSES
from sim.present.app.model import (ENSEMBLE_REPLICATIONS, FIRST_SEED, REFERENCE,
                                   SCENARIO_ENV, VIOLENCE, TruceModel, ensemble, terms)
from sim.present.app.story import status, today
from sim.present.charts.backend import files_backend
from sim.present.charts.figures import save_figure
from sim.present.charts.scenario import survival_curve
from sim.run.posterior import REPLICATIONS_PER_DRAW
from sim.scenario.loading import load_scenario

#: A panel whose text may outgrow its place in Mesa's grid scrolls instead of spilling over.
SCROLLS = {"height": "100%", "overflow": "auto"}

#: Front colours: holding, fraying, fighting.
FRONT_COLOURS = ("#2ca02c", "#ff9f1c", "#d62728")


def scenario_file() -> str:
    return os.environ.get(SCENARIO_ENV) or str(REFERENCE)


def model_params(path: str) -> dict:
    """SolaraViz's parameters: the scenario file (fixed), the seed, and a slider per main
    term of the deal, keyed by its dotted path (``TruceModel`` applies them as ``--set``)."""
    params: dict = {"scenario_file": path,
                    "seed": Slider("seed (the same seed, the same truce)", FIRST_SEED, 1, 100, 1)}
    for t in terms(load_scenario(path)):
        params[t.path] = Slider(t.label, t.value, t.low, t.high, t.step, dtype=float)
    return params


def StatusPanel(model: TruceModel):
    """The truce's status and the story of the day just run (``sim.present.app.story.today``,
    the hook for the story API)."""
    with solara.Card("The truce", style=SCROLLS) as card:
        solara.Markdown("  \n".join(status(model).splitlines()))
        solara.Markdown("**What happened**  \n" + "  \n".join(today(model).splitlines()))
    return card


def TermsPanel(model: TruceModel):
    """The terms the truce shown runs under (sliders show no numbers, and a slider moved
    since the last Reset is not yet applied), each with its meaning from the schema when
    hovered."""
    with solara.Card(f"Terms of this truce (seed {model.seed})") as card:
        for t in terms(model.terms_scenario):
            solara.Tooltip(t.meaning, children=[
                solara.v.Html(tag="div", children=[f"{t.label}: {t.value:g}"])])
        solara.Markdown("Move a slider, then Reset to apply it. Hover over a term for its "
                        "meaning.")
    return card


@functools.cache
def _positions(edges: tuple) -> dict:
    """Where the regions sit on the map: one layout per network (deterministic), computed
    once, not at every step and render."""
    return nx.kamada_kawai_layout(nx.Graph(edges))


def _layout(graph: nx.Graph) -> dict:
    return _positions(tuple(sorted(graph.edges)))


def FrontNetwork(model: TruceModel):
    """The regions on their network, each coloured by its front's state today. Drawn here,
    not with Mesa's ``make_space_component``: its network drawer expects integer node ids
    and draws no names, and the regions are named."""
    graph = model.network.G
    pos = _layout(graph)
    state = {f.name: int(f.status[0]) for f in model.fronts}
    fig = Figure(figsize=(6, 4.5))
    ax = fig.subplots()
    nx.draw_networkx_edges(graph, pos, ax=ax, alpha=0.4, style="--")
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=500,
                           node_color=[FRONT_COLOURS[state[g]] for g in graph.nodes])
    nx.draw_networkx_labels(graph, pos, ax=ax, font_size=8,
                            labels={g: g.replace("_", " ") for g in graph.nodes})
    ax.legend(handles=[Patch(color=c, label=s) for c, s in zip(FRONT_COLOURS, STATUSES,
                                                                strict=True)],
              loc="lower left", fontsize=8, frameon=False)
    ax.set_title(f"Fronts on day {model.day}")
    ax.margins(0.15)
    ax.set_axis_off()
    return solara.FigureMatplotlib(fig, format="png", bbox_inches="tight")


def _violence_axes(ax) -> None:
    ax.set_ylabel("share of the pre-truce level")
    ax.set_ylim(bottom=0)


def _trust_axes(ax) -> None:
    ax.set_ylabel("belief that the other is committed")
    ax.set_ylim(0, 1)


@solara.component
def Ensemble(model: TruceModel):
    """The terms of the truce shown, over ``ENSEMBLE_REPLICATIONS`` replications under the
    shipped posterior: its survival curve (the main job's chart) and survival at the end of
    the truce phase. A new model (Reset) clears it."""
    shown, set_shown = solara.use_state(None)       # (model, survival text, png bytes)

    def run() -> None:
        r = ensemble(model)
        with tempfile.TemporaryDirectory() as tmp:
            png = save_figure(survival_curve(r), Path(tmp) / "survival.png").read_bytes()
        set_shown((model, f"Survives its {r.duration_days:g} days in "
                          f"{r.survived.mean():.0%} of {r.replications} replications", png))

    with solara.Card("Many truces on these terms") as card:
        solara.Button(f"Run {ENSEMBLE_REPLICATIONS} replications", color="primary",
                      on_click=run)
        if shown is not None and shown[0] is model:
            solara.Markdown(shown[1])
            solara.Image(shown[2], width="100%")
        else:
            solara.Markdown("The terms of the truce shown (after Reset), under the "
                            "calibrated behavioural constants, a posterior draw per "
                            f"{REPLICATIONS_PER_DRAW} replications, as the main job runs them.")
    return card


@solara.component
def Page():
    files_backend()             # the app, like the command line, draws off screen
    path = scenario_file()
    model = solara.use_memo(lambda: TruceModel(path), [])
    params = solara.use_memo(lambda: model_params(path), [])
    SolaraViz(model, components=[
        StatusPanel, FrontNetwork,
        make_plot_component({VIOLENCE: FRONT_COLOURS[2]}, post_process=_violence_axes),
        make_plot_component([label for label, _, _ in model.pairs], post_process=_trust_axes),
        TermsPanel, Ensemble,
    ], model_params=params, name=model.base.name)
