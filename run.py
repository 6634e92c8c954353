"""Run a ceasefire scenario: ``python run.py scenarios/kerry_lavrov.yaml`` (see --help)."""

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
