"""Intelligence sharing: the deal's requirement that one power share intelligence with
another once the JIC works.

Article: the plan was criticised "for its requirement that the United States share
intelligence with Russia"; the Pentagon's "aversion to sharing information with a
military adversary". Shared intelligence sharpens the recipient's targeting
(``AirForce.misidentified_strikes``) and adds to the JIC's worth to it; it raises the
provider's risk in joining; an unwilling recipient may turn it on the provider's clients
(``ExternalPower.misuse``); domestic opposition cuts what is shared and the provider's
commitment (``ExternalPower.commitment``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes, Mechanism

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario


class IntelligenceTerms(Strict):
    """``mechanisms.intelligence``: the deal's intelligence sharing, once the JIC works."""

    enabled: bool = param(True, "", "Switch intelligence sharing on or off.")
    provider: str | None = param(None, "", "Power that shares intelligence.",
                                 source="the deal")
    recipient: str | None = param(None, "", "Power that receives it.", source="the deal")
    level: float = param(
        1.0, "share", "How much the deal requires to be shared. Article: 'requirement that "
        "the United States share intelligence with Russia'.", source="the deal", ge=0, le=1)
    precision_gain: float = param(
        0.5, "share", "Fraction by which shared intelligence cuts the recipient's "
        "misidentified strikes.", source="assumed", ge=0, le=1)
    domestic_opposition: float = param(
        0.0, "share", "Provider's domestic resistance: cuts what is actually shared and the "
        "provider's commitment. Article: 'aversion to sharing information with a military "
        "adversary'.", source="fact", ge=0, le=1)

    @property
    def shared_level(self) -> float:
        """What is actually shared."""
        active = self.enabled and self.provider is not None and self.recipient is not None
        return self.level * (1.0 - self.domestic_opposition) if active else 0.0


class Intelligence(Mechanism):
    """Intelligence shared between the guarantors."""

    key, Terms = "intelligence", IntelligenceTerms
    encodes = (
        Encodes(
            "intelligence sharing",
            "requirement that the United States share intelligence with Russia",
            ("ExternalPower.misuse", "AirForce.misidentified_strikes", "ExternalPower.decide"),
            ("mechanisms.intelligence.enabled", "mechanisms.intelligence.provider",
             "mechanisms.intelligence.recipient", "mechanisms.intelligence.level",
             "mechanisms.intelligence.precision_gain", "behaviour.power.intel_value",
             "behaviour.power.misuse_per_day", "behaviour.monitoring.misuse_weight"),
            "While the JIC works, shared intelligence cuts the recipient's misidentified "
            "strikes and adds to the JIC's worth to it, raises the provider's risk in joining, "
            "and an unwilling recipient may turn it on the provider's clients (misuse, weighty "
            "evidence against it)."),
        Encodes(
            "Pentagon opposition",
            "aversion to sharing information with a military adversary",
            ("ExternalPower.commitment",),
            ("mechanisms.intelligence.domestic_opposition",),
            "Domestic resistance cuts what is actually shared and the provider's commitment."),
    )

    @staticmethod
    def shared(sc: Scenario) -> float:
        """What is actually shared (0 where the deal asks for nothing)."""
        return sc.mechanisms.intelligence.shared_level

    @staticmethod
    def receives(sc: Scenario, name: str) -> bool:
        intel = sc.mechanisms.intelligence
        return intel.enabled and intel.recipient == name

    @staticmethod
    def provides(sc: Scenario, name: str) -> bool:
        intel = sc.mechanisms.intelligence
        return intel.enabled and intel.provider == name

    @staticmethod
    def provider(sc: Scenario) -> str | None:
        return sc.mechanisms.intelligence.provider

    @classmethod
    def precision(cls, sc: Scenario, name: str) -> float:
        """How far shared intelligence cuts ``name``'s misidentified strikes while the JIC
        works."""
        intel = sc.mechanisms.intelligence
        return intel.precision_gain * intel.shared_level if cls.receives(sc, name) else 0.0

    @classmethod
    def commitment(cls, sc: Scenario, name: str, commitment: float) -> float:
        """A power's commitment, less what domestic opposition to sharing takes from the
        provider. Article: "aversion to sharing information with a military adversary"."""
        if cls.provides(sc, name):
            commitment *= 1.0 - sc.mechanisms.intelligence.domestic_opposition
        return commitment
