"""Run a ceasefire scenario or sweep: ``python run.py scenarios/kerry_lavrov.yaml`` (see --help)."""

import os
import sys

from sim.present.cli import main

if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:   # output piped into a reader that stopped early (e.g. head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
