"""``ceasefire scenarios list``: the shipped scenarios, by the name that runs them.

Installed from a wheel, the scenario files live inside the package; this is how a user
finds what there is and how to run it (``ceasefire kerry_lavrov``).
"""

from __future__ import annotations

import argparse

from sim.present.commands.common import program
from sim.scenario.catalogue import entries, folder

KINDS = (("scenario", "Scenarios"), ("counterfactual", "Counterfactuals (compared with the "
                                                       "scenario they extend)"),
         ("sweep", "Sweeps"))


def build_parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"{prog} scenarios",
                                description="The scenarios shipped with the model.")
    p.add_argument("action", choices=["list"], help="list them with their names")
    return p


def main(argv: list[str]) -> int:
    prog = program()
    build_parser(prog).parse_args(argv)
    found = entries()
    width = max((len(e.short) for e in found), default=0)
    print(f"Shipped scenarios ({folder()}):")
    for kind, heading in KINDS:
        print(f"\n{heading}:")
        for e in (e for e in found if e.kind == kind):
            print(f"  {e.short:<{width}}  {e.title}")
    print(f"\nRun one by its name or by a path: {prog} kerry_lavrov, "
          f"{prog} sweeps/patron_leverage -r 50, {prog} my_scenario.yaml")
    return 0
