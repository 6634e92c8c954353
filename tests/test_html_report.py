"""``report.html``: summary.md as a page, charts inline, that a real browser opens.

The browser check runs headless Chromium when it is installed and is skipped, saying so,
when it is not.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from sim.present.wording.html import REPORT, write_html
from tests.conftest import REFERENCE


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.headings, self._in = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
        self._in = tag if tag in ("h1", "h2", "h3") else None

    def handle_data(self, data):
        if self._in and data.strip():
            self.headings.append((self._in, data.strip()))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "run"
    from sim.present.cli import main
    assert main([str(REFERENCE), "-r", "30", "--no-compare", "-q", "-o", str(out)]) == 0
    return out


def test_the_report_is_the_summary_with_every_chart_inline(folder):
    page = _Page()
    page.feed((folder / REPORT).read_text(encoding="utf-8"))
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    linked = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", summary)
    assert linked and len(page.images) == len(linked)
    for image, name in zip(page.images, linked, strict=True):
        prefix = "data:image/png;base64,"
        assert image["src"].startswith(prefix)
        assert base64.b64decode(image["src"][len(prefix):]) == (folder / name).read_bytes()
    titles = [line[4:] for line in summary.splitlines() if line.startswith("### ")]
    assert [t for level, t in page.headings if level == "h3"] == titles
    assert page.headings[0] == ("h1", summary.splitlines()[0][2:])


def test_the_report_escapes_what_the_summary_quotes(tmp_path):
    (tmp_path / "summary.md").write_text("# A <b>&</b> truce\n\nText with <script>x</script>.\n")
    page = write_html(tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "<title>A &lt;b&gt;&amp;&lt;/b&gt; truce</title>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="headless Chromium is not installed (apt-get install chromium)")
def test_a_real_browser_renders_the_report(folder, tmp_path):
    """Headless Chromium opens the page and screenshots it: a PNG of the page as drawn,
    whose size is the window's and whose pixels are not one colour."""
    shot = tmp_path / "report.png"
    done = subprocess.run(["chromium", "--headless", "--no-sandbox",
                           "--disable-background-networking", "--disable-gpu",
                           "--window-size=1200,2000", f"--screenshot={shot}",
                           (folder / REPORT).as_uri()], capture_output=True, timeout=120)
    assert shot.is_file(), done.stderr.decode(errors="replace")[-2000:]
    from matplotlib.image import imread
    pixels = imread(shot)
    assert pixels.shape[:2] == (2000, 1200)
    assert pixels.reshape(-1, pixels.shape[-1]).std(axis=0).max() > 0.05
