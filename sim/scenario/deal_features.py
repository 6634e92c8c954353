"""Features of a deal that the literature ties to how long ceasefires last, coded from a
scenario file by a fixed rule: the covariates of the yardstick's survival regression.

Fortna (2003, "Scraps of Paper? Agreements and the Durability of Peace") finds that
ceasefires last longer where the agreement builds in third-party monitoring or
peacekeepers, buffer or demilitarised zones, joint commissions to settle disputes, and
guarantees by outside powers. Each feature is 0 or 1, read from what the scenario states
(its values, and its ``notes.gaps``: facts of the deal the schema cannot express), never
from the outcome:

| feature | 1 when |
|---|---|
| ``monitoring`` | third-party monitoring: ``mechanisms.monitoring`` enabled with ``verification`` >= 0.3 (the corpus's coding rule: 0.3 is "a monitoring mission with limited access"; 0.1, each side keeping its own count, is not third-party), or third-party observers written (``mechanisms.observers`` with ``third_party: true`` and a presence above 0 on some front) |
| ``guarantor`` | an external power is party to the deal (an actor of kind ``power`` with ``party: true``: a guarantor or co-signatory) |
| ``peacekeeping`` | a buffer zone written (``mechanisms.buffers`` on some front), the guarantors' own observers on the ground (``mechanisms.observers`` with ``third_party: false`` and a presence above 0), or a ``notes.gaps`` fact names peacekeepers, a buffer or a demilitarised zone: it contains (any case) ``peacekeep``, ``buffer``, ``demilitari``, ``demilitarized`` or ``interposition`` |
| ``joint_commission`` | the file switches the joint center on itself (``mechanisms.jic.enabled: true`` written in the file, not left to the default), writes a joint commission (``mechanisms.commission``), or a ``notes.gaps`` fact names a joint body: ``joint commission``, ``joint military commission``, ``joint implementation``, ``joint coordination``, ``joint monitoring``, ``joint cent`` (centre, center), ``ceasefire commission`` or ``coordination cent`` |

The rule is crude by design (keywords in stated facts): it is the same for every truce,
stated before any is scored, so no feature can be chosen to make a truce come out one
way. A gap that mentions a term to deny it ("no buffer zone was agreed") would be coded
1; the corpus's gaps state facts of the deal, so none does.
"""

from __future__ import annotations

from sim.scenario.schema import Scenario

#: The features, in the order of the regression's columns.
FEATURES = ("monitoring", "guarantor", "peacekeeping", "joint_commission")

#: Third-party monitoring from this verification on (``truces/README.md``'s coding rule).
THIRD_PARTY_VERIFICATION = 0.3
PEACEKEEPING_WORDS = ("peacekeep", "buffer", "demilitari", "demilitarized", "interposition")
JOINT_BODY_WORDS = ("joint commission", "joint military commission", "joint implementation",
                    "joint coordination", "joint monitoring", "joint cent",
                    "ceasefire commission", "coordination cent")


def gap_texts(scenario: Scenario) -> list[str]:
    """The facts of ``notes.gaps``, lower-cased (none without notes)."""
    notes = scenario.notes
    return [] if notes is None else [gap.fact.lower() for gap in notes.gaps]


def _names(texts: list[str], words: tuple[str, ...]) -> bool:
    return any(word in text for text in texts for word in words)


def jic_written(scenario: Scenario) -> bool:
    """Whether the file itself switches the joint center on (``mechanisms.jic.enabled``
    set to true in it, not the schema's default)."""
    mech = scenario.mechanisms
    return "jic" in mech.model_fields_set and "enabled" in mech.jic.model_fields_set \
        and mech.jic.enabled


def deal_features(scenario: Scenario) -> dict[str, int]:
    """The deal's features (``FEATURES``), each 0 or 1, by the rule of the module's table."""
    gaps = gap_texts(scenario)
    mech = scenario.mechanisms
    monitoring, observers = mech.monitoring, mech.observers
    watched = observers is not None and any(v > 0 for v in observers.presence.values())
    return {
        "monitoring": int(monitoring.enabled
                          and monitoring.verification >= THIRD_PARTY_VERIFICATION
                          or watched and observers.third_party),
        "guarantor": int(any(a.kind == "power" and a.party for a in scenario.actors.values())),
        "peacekeeping": int(mech.buffers is not None and bool(mech.buffers.fronts)
                            or watched and not observers.third_party
                            or _names(gaps, PEACEKEEPING_WORDS)),
        "joint_commission": int(jic_written(scenario) or mech.commission is not None
                                or _names(gaps, JOINT_BODY_WORDS)),
    }
