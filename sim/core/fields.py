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

    ``opt_in``: a constant added since, whose default leaves the model as it was: left out
    of a dump while at its default (resolved scenarios and run manifests stay as they were),
    and held at it by a calibration whose file gives it no prior (:func:`is_opt_in`)."""
    if not opt_in:
        return Field(default, description=doc, ge=ge, le=le, gt=gt,
                     json_schema_extra={"unit": unit, "source": source})
    return Field(default, description=doc, ge=ge, le=le, gt=gt,
                 json_schema_extra={"unit": unit, "source": source, "opt_in": True},
                 exclude_if=lambda v: v == default)


def is_opt_in(info: Any) -> bool:
    """Whether a field was declared ``param(..., opt_in=True)``."""
    return bool((info.json_schema_extra or {}).get("opt_in"))


class Strict(BaseModel):
    """Base for every block: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class FieldProblems(ValueError):
    """Problems found by a block's validator, each with its field path inside the block."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))
