"""The app's panels (Solara components) and the charts they draw of one truce day by day.

Each panel takes the model on screen; those that change as it steps read Mesa's
``update_counter`` (what Mesa's own components read), so Step, play and Reset redraw
them. The charts are plain matplotlib figures (tested without a browser); their days run
along the x axis as "days since the truce began", the whole horizon from day 0.
"""

from __future__ import annotations

import functools

import networkx as nx
import solara
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from mesa.visualization.utils import update_counter

from sim.agents.front import STATUSES
from sim.present.app.model import VIOLENCE, Term, TruceModel, terms
from sim.present.app.story import status, today
from sim.present.charts.figures import COLOURS, end_of_truce, new_figure
from sim.present.charts.labels import Labels

#: A panel whose text may outgrow its place (a busy day's story) scrolls instead.
SCROLLS = {"max-height": "28em", "overflow": "auto"}

#: Front colours: holding, fraying, fighting.
FRONT_COLOURS = ("#2ca02c", "#ff9f1c", "#d62728")

#: The days axis of every chart of the truce on screen.
DAYS = "days since the truce began"


def _day_axes(ax, model: TruceModel, binned: bool) -> None:
    ax.set_xlim(0, model.n_days)
    ax.set_xlabel(DAYS)
    ax.xaxis.get_major_locator().set_params(integer=True)
    end_of_truce(ax, model.truce_days, binned=binned)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize=9,
              frameon=False)


def violence_chart(model: TruceModel) -> Figure:
    """The parties' violence day by day, as a share of its pre-truce level, with the
    de facto threshold."""
    frame = model.datacollector.get_model_vars_dataframe()
    fig = new_figure(None, (6.5, 4))
    ax = fig.subplots()
    ax.plot(frame["day"], frame[VIOLENCE], marker="o", color=FRONT_COLOURS[2],
            label="the parties' violence")
    ax.axhline(model.base.outcomes.de_facto_share, color="grey", ls=":",
               label="de facto collapse above this")
    ax.set(ylabel="share of the pre-truce level", ylim=(0, max(1.0, frame[VIOLENCE].max())),
           title="The parties' violence")
    _day_axes(ax, model, binned=True)
    return fig


def trust_chart(model: TruceModel) -> Figure:
    """Each key pair's belief that the other is committed, day by day, named as the
    scenario names its actors."""
    frame = model.datacollector.get_model_vars_dataframe()
    name, actors = Labels.of(model.base), model.theatre.actors
    fig = new_figure(None, (6.5, 4))
    ax = fig.subplots()
    for i, (column, o, t) in enumerate(model.pairs):
        ax.plot(frame["day"], frame[column], marker="o", color=COLOURS[i % len(COLOURS)],
                label=name.pair(actors[o], actors[t]))
    ax.set(ylabel="belief that the other is committed", ylim=(0, 1),
           title="Beliefs of the key pairs")
    _day_axes(ax, model, binned=False)
    return fig


@solara.component
def DayChart(model: TruceModel, chart):
    update_counter.get()
    return solara.FigureMatplotlib(chart(model), format="png", bbox_inches="tight")


@solara.component
def StatusPanel(model: TruceModel):
    """The truce's status and the story of the day just run (``sim.present.app.story.today``,
    the hook for the story API)."""
    update_counter.get()
    with solara.Card("The truce", style=SCROLLS) as card:
        solara.Markdown("  \n".join(status(model).splitlines()))
        solara.Markdown("**What happened**  \n" + "  \n".join(today(model).splitlines()))
    return card


@functools.cache
def _positions(edges: tuple) -> dict:
    """Where the regions sit on the map: one layout per network (deterministic), computed
    once, not at every step and render."""
    return nx.kamada_kawai_layout(nx.Graph(edges))


@solara.component
def FrontNetwork(model: TruceModel):
    """The regions on their network, each coloured by its front's state today (Mesa's
    network drawer expects integer node ids and draws no names; the regions are named)."""
    update_counter.get()
    graph = model.network.G
    pos = _positions(tuple(sorted(graph.edges)))
    state = {f.name: int(f.status[0]) for f in model.fronts}
    name = Labels.of(model.base)
    fig = Figure(figsize=(6, 4.5))
    ax = fig.subplots()
    nx.draw_networkx_edges(graph, pos, ax=ax, alpha=0.4, style="--")
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=500,
                           node_color=[FRONT_COLOURS[state[g]] for g in graph.nodes])
    nx.draw_networkx_labels(graph, pos, ax=ax, font_size=8,
                            labels={g: name(g) for g in graph.nodes})
    ax.legend(handles=[Patch(color=c, label=s) for c, s in zip(FRONT_COLOURS, STATUSES,
                                                                strict=True)],
              loc="lower left", fontsize=8, frameon=False)
    ax.set_title(f"Fronts on day {model.day}")
    ax.margins(0.15)
    ax.set_axis_off()
    return solara.FigureMatplotlib(fig, format="png", bbox_inches="tight")


@solara.component
def TermsPanel(model: TruceModel, sliders: list[Term], settings: dict):
    """The terms the truce on screen runs under, each with its meaning from the schema
    when hovered, and which of them a moved slider will change on Reset."""
    with solara.Card(f"Terms of this truce (seed {model.seed})") as card:
        on_screen = {t.path: t.value for t in terms(model.terms_scenario)}
        for t in sliders:
            now, next_ = on_screen[t.path], settings.get(t.path, on_screen[t.path])
            pending = f" (Reset applies {next_:g})" if next_ != now else ""
            solara.Tooltip(t.meaning, children=[
                solara.v.Html(tag="div", children=[f"{t.label}: {now:g}{pending}"])])
        solara.Markdown("Set a term with its slider or its number box, then Reset to apply "
                        "it. Hover over a term for its meaning.")
    return card


@solara.component
def TermInput(term: Term, settings: solara.Reactive[dict]):
    """One term: a slider over its range and, beside it, a box showing its value that
    takes a number typed in (brought within the range); both set what Reset applies."""
    value = settings.value[term.path]
    revision = solara.use_reactive(0)

    def set_value(new: float | None) -> None:
        if new is not None:
            settings.set({**settings.value, term.path: term.within(new)})
        revision.set(revision.value + 1)   # the box shows the value kept, not the typed one

    # one block per term (class "app-term": the browser test finds a term's slider and box by
    # its label): the label above, the slider's track the sidebar's width beside the box
    with solara.Column(classes=["app-term"], gap="0px"):
        solara.Text(term.label, style={"font-size": "0.85rem"})
        with solara.Row(style={"align-items": "center"}):
            with solara.Column(style={"flex": "1 1 auto", "min-width": "0"}):
                solara.SliderFloat("", value=value, on_value=set_value, min=term.low,
                                   max=term.high, step=term.step, thumb_label=False)
            solara.InputFloat("", value=value, on_value=set_value, dense=True,
                              style={"max-width": "5.5em"}, hide_details=True
                              ).key(f"{term.path}:{revision.value}")
