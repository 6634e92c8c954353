"""What the monitoring agent saw, day by day: a helper for the tests of the terms later
truces used (observers, buffer zones, patrols, a joint commission, the deal's area).

``watch`` runs the reference with some overrides for ``days`` days on ``R`` worlds and a
fixed seed, recording each day's acts (as perception gets them) and the incidents booked
from them; two calls with the same seed share their random numbers (common random
numbers), so a paired difference isolates what the overrides change."""

from __future__ import annotations

from contract import reference

from sim.core.events import ACCIDENT, DELIBERATE, MISATTRIBUTION, RETALIATION, SPOILER
from sim.model.model import CeasefireModel

ALL_FRONTS = ["aleppo_east", "aleppo_west", "idlib", "hama", "homs", "damascus_ghouta",
              "daraa", "latakia"]


def watch(overrides: dict, R: int = 400, days: int = 7, seed: int = 11) -> list[dict]:
    model = CeasefireModel(reference(overrides), R, rng=seed, record_daily=False)
    perceive, log = model.monitoring.perceive, []

    def recording(acts):
        seen = perceive(acts)
        log.append({"acts": dict(acts), "seen": seen, "day": model.day})
        return seen

    model.monitoring.perceive = recording
    for _ in range(days):
        model.step()
    return log


def region(name: str) -> int:
    return list(reference().regions).index(name)


def real_on(day: dict, front: int) -> float:
    """Real violations by parties on ``front`` that day (what could be pinned)."""
    a = day["acts"]
    cause = a["cause"]
    real = ((cause == DELIBERATE) | (cause == RETALIATION)) & (a["front"] == front)
    return float(a["count"][real].sum())


def pinned_on(day: dict, front: int) -> float:
    s = day["seen"]
    mine = ((s.cause == DELIBERATE) | (s.cause == RETALIATION)) & (s.front == front)
    return float(s.count[mine].sum())


def accidents(day: dict) -> float:
    a = day["acts"]
    return float(a["count"][a["cause"] == ACCIDENT].sum())


def misattributed(day: dict) -> float:
    """Incidents booked against the other side that it did not commit: of unclear origin,
    misread spoiler attacks, misidentified strikes taken for attacks."""
    s = day["seen"]
    wrong = (s.cause == MISATTRIBUTION) | (s.cause == SPOILER) | (s.cause == ACCIDENT)
    return float(s.count[wrong].sum())


def unclear(day: dict) -> float:
    s = day["seen"]
    return float(s.count[s.cause == MISATTRIBUTION].sum())


def total(log: list[dict], of, days=None) -> float:
    return sum(of(d) for d in log if days is None or d["day"] in days)
