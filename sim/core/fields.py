"""How a parameter is declared: default, unit, range, meaning and source, in one call.

Agent classes declare their parameters with :func:`param` on a :class:`Strict`
block; the scenario schema (``sim.scenario.schema``) assembles those blocks, and
the parameter reference (``docs/parameters.md``) is generated from them.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

Share = Annotated[float, Field(ge=0.0, le=1.0)]


def param(default: Any, unit: str, doc: str, *, source: str = "", ge: float | None = None,
          le: float | None = None, gt: float | None = None, opt_in: bool = False) -> Any:
    """A documented parameter: default, unit, range, meaning and where its value comes from.

    ``opt_in``: a constant of a new behaviour whose default is the old one. At its default
    it is left out of dumps (resolved scenarios and manifests keep their bytes) and out of
    the calibration's search (``sim.calibration.spec``), until a scenario or a calibration
    gives it a value."""
    extra = {"unit": unit, "source": source} | ({"opt_in": True} if opt_in else {})
    return Field(default, description=doc, ge=ge, le=le, gt=gt, json_schema_extra=extra,
                 exclude_if=(lambda v: v == default) if opt_in else None)


def is_opt_in(field: Any) -> bool:
    """Whether a declared field (pydantic ``FieldInfo``) is an opt-in constant."""
    extra = field.json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("opt_in"))


class Strict(BaseModel):
    """Base for every block: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class FieldProblems(ValueError):
    """Problems found by a block's validator, each with its field path inside the block."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))
