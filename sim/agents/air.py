"""Misidentified strikes: what an air force hits by mistake.

history.md: on 17 Sept coalition strikes at Deir ez-Zor killed 62-80 Syrian
soldiers; "the US says it misidentified the target". Strikes on Nusra where
opposition fighters are still intermixed with it hit the opposition (DESIGN:
"marbling left over turns strikes on Nusra into hits on the opposition"); the
JIC's joint strikes raise the tempo, and intelligence shared with the striker
sharpens its targeting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agents.base import on_fronts
from sim.agents.intelligence import Intelligence
from sim.agents.joint_center import JointCenter
from sim.core.events import ACCIDENT, Acts
from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes, Mechanism
from sim.core.sampling import choose, per_step, poisson_count
from sim.core.stacking import Compiled


class AccidentTerms(Strict):
    """``mechanisms.accidents``: whether misidentified strikes happen at all."""

    enabled: bool = param(True, "", "Switch misidentified strikes on or off.")


class AirBehaviour(Strict):
    """``behaviour.air``: how often air forces strike the wrong target (shared)."""

    accident_rate: float = param(
        0.08, "strikes/day per unit air power", "Misidentified strikes on a party's forces by "
        "an air force striking daily (history.md: Deir ez-Zor, 17 Sept 2016).",
        source="assumed: about one in two weeks", ge=0, le=10)
    collateral: float = param(
        1.0, "multiplier", "Extra misidentified strikes per unit of marbling left (not yet "
        "separated) where the air force operates.", source="assumed", ge=0, le=20)


@dataclass(frozen=True)
class AirArrays(Compiled):
    """What an air force reads when it draws its misidentified strikes."""

    rate: np.ndarray        # misidentified strikes a day, at its air power
    marbling: np.ndarray    # extra strikes per unit of marbling left where it flies
    tempo: np.ndarray       # extra tempo while the JIC works
    precision: np.ndarray   # cut by intelligence shared with it while the JIC works


class AirForce(Mechanism):
    """Mixin for agents with air power: draws misidentified strikes from ``<name>.accidents``
    (whether, per sub-step and world) and ``<name>.accident_details`` (keyed: where, and
    how the victims read it)."""

    key, Terms = "accidents", AccidentTerms
    behaviour_key, Behaviour = "air", AirBehaviour
    phases = (("act", 3, "misidentified_strikes"), ("record", 2, "record"))
    compiles = (("air_k", "air_constants", AirArrays),)
    records = ("accidents",)
    encodes = (
        Encodes(
            "accidents",
            "the US says it misidentified the target",
            ("AirForce.misidentified_strikes", "Monitoring.perceive"),
            ("mechanisms.accidents.enabled", "behaviour.air.accident_rate",
             "behaviour.air.collateral", "actors.<party>.air_power", "actors.<power>.air_power",
             "mechanisms.jic.strike_tempo", "mechanisms.intelligence.precision_gain",
             "behaviour.monitoring.accident_weight"),
            "Air forces hit a party's forces by mistake, more where marbling is left and while "
            "the JIC raises the strike tempo; the victims take it for an attack (weighty "
            "evidence) unless a joint commission settles it.",
            source="history"),
    )


    index: int

    def air_constants(self, sc, theatre) -> dict:
        b = sc.behaviour.air
        a = sc.actors[self.name]
        weights = theatre.front_weight[self.index] * (theatre.counterpart[self.index] >= 0)
        return {
            "rate": b.accident_rate * a.air_power * sc.mechanisms.accidents.enabled
            * (weights.sum() > 0),
            "marbling": b.collateral * float(weights @ theatre.marbling),
            "tempo": JointCenter.term(sc, "strike_tempo"),
            "precision": Intelligence.precision(sc, self.name),
        }

    @classmethod
    def record(cls, recorder, acts: dict, seen) -> None:
        """Misidentified strikes, by the air force that flew them (once for all of them)."""
        acc = acts["cause"] == ACCIDENT
        recorder.today["accidents"].add(acts["actor"][acc], acts["rep"][acc],
                                        acts["count"][acc])

    def misidentified_strikes(self, acts: Acts) -> None:
        """The day's misidentified strikes (none drawn for an agent with no air power in
        any world)."""
        model, k = self.model, self.air_k
        if not np.any(k.rate):
            return
        u = self.uniforms("accidents", model.substeps)
        jic = model.jic.active
        rate = k.rate * (1.0 + k.marbling * (1.0 - model.separation)) \
            * (1.0 + k.tempo * jic) * (1.0 - k.precision * jic)
        rate = np.broadcast_to(rate, (model.replications,))
        hour, rep = np.nonzero(u < per_step(rate, model.dt))
        if not len(rep):
            return
        n = poisson_count(u[hour, rep], rate[rep] * model.dt)
        detail = model.streams.at(f"{self.name}.accident_details", model.day, hour, rep, 2)
        theatre = model.theatre
        weights = theatre.front_weight[self.index] * (theatre.counterpart[self.index] >= 0)
        front = choose(np.broadcast_to(weights, (len(rep), len(weights))), detail[:, 0])
        kept = on_fronts(model, ("contact",), rep, front)
        if kept is not None:        # fewer where the forces meet less (buffers, patrols)
            keep = model.streams.at(f"{self.name}.accidents_kept", model.day, hour, rep,
                                    1)[:, 0] < kept
            hour, rep, n, front, detail = hour[keep], rep[keep], n[keep], front[keep], \
                detail[keep]
        acts.add(rep, self.index, theatre.counterpart[self.index, front], front, n, ACCIDENT,
                 detail[:, 1], 1.0, hour)
