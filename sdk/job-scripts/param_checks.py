"""Small, stdlib-only building blocks for parsing params.json with defaults and validation.

Every job declares a table {name: Field(default, check)}; `parse_params` applies defaults,
runs every check, rejects unknown keys (typos should fail loudly, as the original's
`extra="forbid"` did) and reports ALL problems at once in one ParamError.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any, Callable, Dict, Iterable, List, Optional

REQUIRED = object()  # marker default: the key must be present


class ParamError(ValueError):
    def __init__(self, problems: List[str]):
        self.problems = list(problems)
        super().__init__("invalid params: " + "; ".join(self.problems))


class Field:
    def __init__(self, default: Any = None, check: Optional[Callable[[Any], Any]] = None):
        self.default = default
        self.check = check


def parse_params(raw: dict, fields: Dict[str, Field], cross_checks: Iterable[Callable[[SimpleNamespace], Optional[str]]] = ()) -> SimpleNamespace:
    if not isinstance(raw, dict):
        raise ParamError([f"params must be a JSON object, got {type(raw).__name__}"])
    problems: List[str] = [f"unknown param '{k}'" for k in raw if k not in fields]
    out: Dict[str, Any] = {}
    for name, field in fields.items():
        if name not in raw:
            if field.default is REQUIRED:
                problems.append(f"'{name}' is required")
                continue
            value = field.default
            # defaults are trusted but copied, so a mutable default is never shared
            out[name] = list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value
            continue
        value = raw[name]
        if field.check is not None:
            try:
                value = field.check(value)
            except (TypeError, ValueError) as e:
                problems.append(f"'{name}': {e}")
                continue
        out[name] = value
    config = SimpleNamespace(**out)
    if not problems:
        for check in cross_checks:
            problem = check(config)
            if problem:
                problems.append(problem)
    if problems:
        raise ParamError(problems)
    return config


# ---- checks: each returns the (possibly normalised) value or raises ValueError ----

def string(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("must be a non-empty string")
    return value


def text(value: Any) -> str:
    """Any string, empty included."""
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def optional(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else check(value)


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def integer(minimum: Optional[int] = None) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError("must be an integer")
        if minimum is not None and value < minimum:
            raise ValueError(f"must be >= {minimum}")
        return int(value)
    return check


def number(minimum: Optional[float] = None, maximum: Optional[float] = None, exclusive_min: bool = False) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError("must be a finite number")
        if minimum is not None and (value <= minimum if exclusive_min else value < minimum):
            raise ValueError(f"must be {'>' if exclusive_min else '>='} {minimum}")
        if maximum is not None and value > maximum:
            raise ValueError(f"must be <= {maximum}")
        return value
    return check


def one_of(*allowed: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value
    return check


def string_list(value: Any) -> List[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError("must be a list of non-empty strings")
    return list(value)


def relative_path(value: Any) -> str:
    """A mounted file: a relative path inside the working directory (no '..', not absolute)."""
    value = string(value)
    parts = value.replace("\\", "/").split("/")
    if value.startswith("/") or ".." in parts:
        raise ValueError("must be a relative path inside the job's working directory")
    return value


def json_object(value: Any) -> dict:
    if not isinstance(value, dict):
        raise ValueError("must be a JSON object")
    return value
