"""ceasefire-sim: an agent-based simulation of ceasefires.

The notebook API is ``sim.api`` (``from sim import api``; ``api.load_scenario``,
``api.run``, ``api.compare``, ``api.sweep``). ``import sim`` stays cheap: the names below come from it
on first use. ``run`` is not among them: ``sim.run`` is the package of the run layer
(experiment, executors, store), so ``sim.run`` cannot also be a function; it is
``sim.api.run``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Compared", "Run", "Sweep", "Told", "compare", "load_scenario", "sweep"]


def __getattr__(name: str) -> Any:
    """The API's names, imported from ``sim.api`` when first asked for (PEP 562)."""
    if name in __all__:
        from sim import api
        return getattr(api, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
