"""Uncertain facts drawn per posterior draw (``sim.scenario.facts``).

Draw ``d`` of a run under the posterior takes each uncertain fact at the uniform of its
own named stream (``fact.<dotted.path>``, seeded by the draw's index: ``sim.core.streams``)
between its bounds, so a fact's spread enters the parameter interval as the constants'
does, the same in every run, block and worker, and adding a range leaves the other
facts' draws as they were.
"""

from __future__ import annotations

import numpy as np

from sim import dotted
from sim.core.streams import stream_seed
from sim.scenario.schema import Scenario


def uniform(path: str, draw: int) -> float:
    """The uniform in [0, 1) of fact ``path`` in posterior draw ``draw``."""
    return float(np.random.Generator(np.random.PCG64(stream_seed(draw, f"fact.{path}")))
                 .random())


def drawn(scenario: Scenario, draw: int) -> Scenario:
    """``scenario`` with each of its uncertain facts at its value in posterior draw ``draw``."""
    if not scenario.uncertain:
        return scenario
    return with_facts(scenario, {path: r.at(uniform(path, draw))
                                 for path, r in scenario.uncertain.items()})


def with_facts(scenario: Scenario, values: dict[str, float]) -> Scenario:
    """``scenario`` with facts at the given values (dotted paths), validated; only the blocks
    they are in are replaced."""
    data = scenario.model_dump(exclude_unset=True)     # as written: the blocks valid
    for path, value in values.items():
        dotted.assign(data, path, value)
    checked = Scenario.model_validate(data)
    blocks = {dotted.keys(path)[0] for path in values}
    return scenario.model_copy(update={block: getattr(checked, block) for block in blocks})
