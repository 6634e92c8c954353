"""``report.html``: ``summary.md`` as a web page, through a template (Jinja2) and a
Markdown library (Python-Markdown), the charts it links inline (data URIs), so the page
opens in any browser and can be moved on its own.

The page says what ``summary.md`` says, from the same text: nothing is worded twice.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import markdown
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

#: The file written beside ``summary.md``.
REPORT = "report.html"
#: How each chart format is embedded.
MEDIA = {".png": "image/png", ".svg": "image/svg+xml"}

_IMAGE = re.compile(r'<img alt="(?P<alt>[^"]*)" src="(?P<src>[^"]+)"\s*/?>')


def _inline(page: str, folder: Path) -> str:
    """Each ``<img>`` of a chart in ``folder`` with its file as a data URI."""
    def embed(m: re.Match) -> str:
        path = folder / html.unescape(m["src"])
        media = MEDIA.get(path.suffix.lower())
        if media is None or path.parent != folder or not path.is_file():
            return m[0]
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'<img alt="{m["alt"]}" src="data:{media};base64,{data}">'
    return _IMAGE.sub(embed, page)


def write_html(summary: Path) -> Path:
    """``report.html`` beside ``summary`` (a ``summary.md``): its Markdown as HTML in the
    template ``sim/present/templates/report.html``, charts inline; the path written."""
    text = summary.read_text(encoding="utf-8")   # names a scenario gives are text, not HTML
    first = next((line for line in text.splitlines() if line.startswith("# ")), "# Report")
    body = _inline(markdown.markdown(text.replace("<", "&lt;"), extensions=["tables"], output_format="html",
                                     tab_length=2),   # summary.md nests lists by two spaces
                   summary.parent)
    env = Environment(loader=PackageLoader("sim.present", "templates"),
                      autoescape=select_autoescape(["html"]))
    page = env.get_template(REPORT).render(title=first[2:].strip(), body=Markup(body),
                                           source=summary.name)
    path = summary.parent / REPORT
    path.write_text(page, encoding="utf-8")
    return path
