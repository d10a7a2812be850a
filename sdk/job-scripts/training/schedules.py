"""When periodic work (eval, logprob tracking, sampling) runs: every N steps or on a log scale.

The original crashed on `step % "log"` (features §10.17); here a schedule is an object.
"log" means steps 1..9, 10, 20, ..., 90, 100, 200, ... (one leading digit followed by zeros).
Both kinds also fire at step 0 (before training) when the caller asks for it.
"""

from __future__ import annotations

from typing import Union

EverySpec = Union[int, str]


def check_every(value) -> EverySpec:
    """Param check: a positive integer or the string "log"."""
    if value == "log":
        return "log"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError('must be a positive integer or "log"')
    if value <= 0:
        raise ValueError('must be a positive integer or "log"')
    return int(value)


def is_log_step(step: int) -> bool:
    if step <= 0:
        return False
    while step % 10 == 0:
        step //= 10
    return step < 10


def is_due(every: EverySpec, step: int, include_start: bool = True) -> bool:
    """Whether work scheduled `every` runs at global step `step`."""
    if step == 0:
        return include_start
    if every == "log":
        return is_log_step(step)
    return step % int(every) == 0


def due_steps(every: EverySpec, max_step: int, include_start: bool = True) -> list:
    return [s for s in range(0, max_step + 1) if is_due(every, s, include_start)]
