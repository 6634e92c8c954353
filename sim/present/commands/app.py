"""``python run.py app [SCENARIO.yaml]``: serve the browser app (``sim.present.app``).

The same as ``solara run sim/present/app/page.py``, with the scenario checked first (bad input
is one line and exit status 2, like the main job) and a clear line where the app's
optional dependencies are missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from sim.present.app.model import REFERENCE, SCENARIO_ENV
from sim.present.commands.common import EXIT_BAD_INPUT
from sim.scenario.catalogue import find
from sim.scenario.loading import ScenarioError, load_scenario

#: The page ``solara run`` serves.
APP = Path(__file__).parents[1] / "app" / "page.py"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run.py app",
        description="Serve the browser app: one truce day by day, under terms set with "
                    "sliders, and an ensemble of the same terms.")
    p.add_argument("scenario", nargs="?", type=find, default=REFERENCE,
                   help="scenario file (default: the reference, scenarios/kerry_lavrov.yaml)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to serve on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    return p


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if not 0 < args.port < 65536:
        print(f"error: --port must be between 1 and 65535 (got {args.port})", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        load_scenario(args.scenario)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if importlib.util.find_spec("solara") is None:
        print("error: the app needs its optional dependencies: pip install "
              "'ceasefire-sim[app]' (uv sync has them)", file=sys.stderr)
        return EXIT_BAD_INPUT
    env = {**os.environ, SCENARIO_ENV: str(args.scenario.resolve())}
    print(f"serving {args.scenario} at http://{args.host}:{args.port}/ (Ctrl-C stops it)",
          flush=True)
    # The server replaces this process (same pid) rather than running as its child, so
    # whatever stops this process stops the server, SIGKILL included (a child would go on
    # serving, orphaned).
    os.execve(sys.executable, [sys.executable, "-m", "solara", "run", str(APP), "--host",
                               args.host, "--port", str(args.port), "--production",
                               "--no-check-version"], env)
