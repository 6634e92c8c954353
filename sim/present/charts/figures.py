"""What every chart shares: fonts for names in any script, figures that show themselves in a
notebook, new axes or the caller's, the end of the truce marked, and saving in each format
asked for (PNG, SVG, PDF).

New figures are ``matplotlib.figure.Figure`` objects, not pyplot's: no backend is chosen
here and no window opens (the command line saves them with ``save_figure``; a notebook
shows a returned figure inline), and a loop over many charts leaves nothing open.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

COLOURS = mpl.rcParams["axes.prop_cycle"].by_key()["color"]

#: Fonts tried in turn for each character (matplotlib's font fallback), so names in any
#: script draw legibly: DejaVu (the default look), then Noto for other scripts
#: (Debian's fonts-noto-core) and Droid Sans Fallback for Chinese, Japanese and Korean
#: (fonts-droid-fallback), whichever are installed. A character none of them has is
#: drawn as a box, quietly.
FALLBACK_FONTS = (
    "DejaVu Sans", "Noto Sans", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Armenian",
    "Noto Sans Georgian", "Noto Sans Devanagari", "Noto Sans Bengali", "Noto Sans Gurmukhi",
    "Noto Sans Gujarati", "Noto Sans Tamil", "Noto Sans Telugu", "Noto Sans Kannada",
    "Noto Sans Malayalam", "Noto Sans Sinhala", "Noto Sans Thai", "Noto Sans Lao",
    "Noto Sans Khmer", "Noto Sans Myanmar", "Noto Sans Ethiopic", "Noto Sans Syriac",
    "Noto Sans Thaana", "Noto Sans Mongolian", "Noto Sans Cherokee", "Noto Sans Symbols",
    "Noto Sans Symbols2", "Noto Sans Math", "Droid Sans Fallback",
)
#: Longest text drawn: longer titles and labels are cut with an ellipsis.
MAX_TEXT = 150


def _configure_fonts() -> None:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    families = [f for f in FALLBACK_FONTS if f in installed]
    if families:   # a list of families, not 'sans-serif': a generic name yields one font
        mpl.rcParams["font.family"] = families
    mpl.rcParams["text.parse_math"] = False   # a '$' in a name is a dollar, not TeX


_configure_fonts()


class ChartFigure(Figure):
    """A figure that shows itself in IPython and Jupyter (``_repr_png_``) without pyplot: a
    notebook activates its inline backend only once pyplot makes a figure, and a plain
    ``Figure`` returned before that would show as ``<Figure size ...>``. Where the inline
    backend is active its own display of figures takes precedence; either way, once."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png")
        return buffer.getvalue()


def new_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """The figure and axes to draw on: the caller's ``ax``, or a new figure's single axes."""
    if ax is not None:
        return ax.figure, ax
    fig = new_figure(None, figsize)
    return fig, fig.subplots()


def new_figure(fig: Figure | None, figsize: tuple[float, float], layout: str = "tight"
               ) -> Figure:
    """The caller's figure, or a new one laid out at every draw (tight by default), so it
    looks the same inline in a notebook as saved."""
    return fig if fig is not None else ChartFigure(figsize=figsize, layout=layout)


#: The formats a chart can be saved in (``--format``), in the order their files are
#: preferred for linking from a report: the first asked for in this order is linked.
FORMATS = ("png", "svg", "pdf")
#: What every command writes unless told otherwise.
DEFAULT_FORMATS = ("png",)
#: No date or tool version in a vector file, so the same chart is the same bytes.
_METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}


def save_figure(fig: Figure, path: Path, formats: tuple[str, ...] = DEFAULT_FORMATS) -> Path:
    """Write a chart as ``path`` in each of ``formats`` (its suffix replaced: survival.png,
    survival.svg, ...; PNG at 120 dpi), over-long texts cut, missing glyphs drawn as boxes
    without warnings; the file a report links (the first of ``FORMATS`` asked for)."""
    for text in fig.findobj(Text):
        content = text.get_text()
        if len(content) > MAX_TEXT:
            text.set_text(content[:MAX_TEXT - 1] + "…")
    ordered = [f for f in FORMATS if f in formats]
    with warnings.catch_warnings(), mpl.rc_context({"svg.hashsalt": "ceasefire"}):
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from")
        warnings.filterwarnings("ignore", message=r"Matplotlib currently does not support")
        for fmt in ordered:
            fig.savefig(path.with_suffix(f".{fmt}"), dpi=120, format=fmt,
                        metadata=_METADATA.get(fmt))
    return path.with_suffix(f".{ordered[0]}")


def chart_files(charts: dict[str, Path], formats: tuple[str, ...] = DEFAULT_FORMATS
                ) -> list[str]:
    """The names of every file ``save_figure`` wrote for ``charts`` (title -> the file
    linked), each chart in each format: what a manifest lists."""
    return sorted(p.with_suffix(f".{f}").name for p in charts.values() for f in formats)


def parse_formats(text: str) -> tuple[str, ...]:
    """``--format``'s value: formats separated by commas, each one of ``FORMATS``; raises
    ``ValueError`` naming what was wrong."""
    asked = [f.strip().lower().lstrip(".") for f in text.split(",") if f.strip()]
    wrong = [f for f in asked if f not in FORMATS]
    if wrong or not asked:
        raise ValueError(f"expected one or more of {', '.join(FORMATS)} separated by commas "
                         f"(got {text!r})")
    return tuple(f for f in FORMATS if f in asked)

#: The ``gid`` of the line that marks the end of the truce phase, whichever chart draws it.
END_OF_TRUCE = "end-of-truce"


def end_of_truce(ax: Axes, duration_days: float, binned: bool = False) -> Line2D:
    """The end of the truce phase, one convention for every chart with days across: a
    black dashed line labelled 'end of the N-day truce phase'. On a chart of a quantity
    through time (survival, trust, fronts: the value at the end of day d drawn at x = d) it
    stands at x = duration_days; on a chart of daily bins (violence, aid: day d's count,
    its 24 hours from d - 1 to d, drawn centred on the integer d) at the edge between the
    truce's last bin and the first after it, x = duration_days + 0.5. Both mark the same
    instant: the end of day ``duration_days``."""
    return ax.axvline(duration_days + (0.5 if binned else 0.0), color="k", ls="--", lw=1,
                      gid=END_OF_TRUCE, label=f"end of the {duration_days:g}-day truce phase")
