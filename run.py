"""Run a ceasefire scenario or sweep: ``python run.py scenarios/kerry_lavrov.yaml`` (see --help).

The same as the installed ``ceasefire`` command and ``python -m sim``.
"""

from sim.present.cli import console

if __name__ == "__main__":
    console()
