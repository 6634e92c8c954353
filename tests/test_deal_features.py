"""The regression's deal features read what a scenario writes: its mechanisms as well as
its ``notes.gaps`` (sim/scenario/deal_features.py), so a fact moved from a gap into a
term of the deal keeps its feature."""

from __future__ import annotations

from sim.scenario.deal_features import deal_features
from sim.scenario.loading import load_scenario

LATER = "scenarios/kerry_lavrov_later_terms.yaml"


def test_the_reference_has_a_guarantor_and_nothing_else():
    # its JIC is the schema's default, not written in the file: no feature by the rule
    assert deal_features(load_scenario("scenarios/kerry_lavrov.yaml")) == {
        "monitoring": 0, "guarantor": 1, "peacekeeping": 0, "joint_commission": 0}


def test_written_observers_buffers_and_commission_are_features():
    assert deal_features(load_scenario(LATER)) == {
        "monitoring": 1, "guarantor": 1, "peacekeeping": 1, "joint_commission": 1}


def test_the_guarantors_own_observers_are_peacekeeping_not_third_party_monitoring():
    own = load_scenario(LATER, {"mechanisms.observers.third_party": False,
                                "mechanisms.buffers": None,
                                "mechanisms.monitoring.verification": 0.1})
    features = deal_features(own)
    assert features["monitoring"] == 0 and features["peacekeeping"] == 1


def test_observers_with_no_presence_are_no_feature():
    empty = load_scenario(LATER, {"mechanisms.observers.presence": {},
                                  "mechanisms.buffers": None,
                                  "mechanisms.monitoring.verification": 0.1})
    features = deal_features(empty)
    assert features["monitoring"] == 0 and features["peacekeeping"] == 0
