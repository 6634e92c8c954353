"""``python -m sim``: the command line, as ``ceasefire`` and ``python run.py``."""

from sim.present.cli import console

if __name__ == "__main__":
    console()
