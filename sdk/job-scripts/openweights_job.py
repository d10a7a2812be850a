"""The job side of OpenWeights, stdlib only: params, events, uploads, run identity.

A job process is started by the worker in a fresh working directory that holds the mounted
files and `params.json`. The worker passes:
  OPENWEIGHTS_EVENTS   JSONL file this process appends events to (the worker forwards new lines)
  OPENWEIGHTS_UPLOADS  directory whose contents are uploaded as result files when the run ends
  OPENWEIGHTS_RUN_ID, OPENWEIGHTS_JOB_ID, OPENWEIGHTS_ATTEMPT (1-based), N_GPUS
Outside a worker everything falls back to the current directory (./events.jsonl, ./uploads),
so a job script can be run by hand for debugging.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import threading
from pathlib import Path, PurePosixPath
from typing import Any, Optional

PARAMS_FILE = "params.json"
_emit_lock = threading.Lock()


def params(path: str = PARAMS_FILE) -> dict:
    """The job's params (a JSON object). Raises with a readable message when missing or wrong."""
    try:
        with open(path, encoding="utf-8") as f:
            value = json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} not found in {os.getcwd()}: the worker writes it beside the mounted files") from None
    if not isinstance(value, dict):
        raise ValueError(f"{path} must hold a JSON object, got {type(value).__name__}")
    return value


def events_path() -> str:
    return os.environ.get("OPENWEIGHTS_EVENTS") or os.path.join(os.getcwd(), "events.jsonl")


def uploads_dir() -> str:
    """The uploads directory (created on first use)."""
    path = os.environ.get("OPENWEIGHTS_UPLOADS") or os.path.join(os.getcwd(), "uploads")
    os.makedirs(path, exist_ok=True)
    return path


def attempt() -> int:
    try:
        return max(1, int(os.environ.get("OPENWEIGHTS_ATTEMPT", "1")))
    except ValueError:
        return 1


def run_id() -> Optional[str]:
    return os.environ.get("OPENWEIGHTS_RUN_ID") or None


def job_id() -> Optional[str]:
    return os.environ.get("OPENWEIGHTS_JOB_ID") or None


def state_dir() -> Optional[str]:
    """A directory the worker keeps across this job's attempts on one machine (OPENWEIGHTS_JOB_STATE),
    or None (containers, or outside a worker)."""
    return os.environ.get("OPENWEIGHTS_JOB_STATE") or None


def n_gpus() -> int:
    try:
        return max(1, int(os.environ.get("N_GPUS", "1")))
    except ValueError:
        return 1


def _json_safe(value: Any) -> Any:
    """JSON has no NaN/Infinity (Node's JSON.parse rejects them): map them to null.
    Numpy/torch scalars become Python numbers through `.item()`."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    item = getattr(value, "item", None)
    if callable(item):
        try:
            return _json_safe(item())
        except (TypeError, ValueError):
            pass
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return _json_safe(tolist())
    return str(value)


def emit(event: dict) -> dict:
    """Append one event as one JSON line. Every event needs a string `type`.

    The line is written with a single write() on an O_APPEND descriptor, so lines from threads
    or processes never interleave, and the worker never sees half a line followed by another.
    Returns the event as written."""
    if not isinstance(event, dict) or not isinstance(event.get("type"), str) or not event["type"]:
        raise ValueError("an event must be a dict with a non-empty string 'type'")
    safe = _json_safe(event)
    data = (json.dumps(safe, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n").encode("utf-8")
    path = events_path()
    with _emit_lock:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            written = os.write(fd, data)
            while written < len(data):  # regular files write fully; loop only for odd filesystems
                written += os.write(fd, data[written:])
        finally:
            os.close(fd)
    return safe


def log_metrics(step: int, tag: str = "train", **metrics: Any) -> dict:
    """A `metrics` event: {"type":"metrics","tag":tag,"step":step,...metrics}."""
    return emit({"type": "metrics", "tag": tag, "step": step, **metrics})


def emit_error(message: str, kind: str = "user_error", **fields: Any) -> dict:
    """An `error` event; `kind` is a short machine-readable reason (e.g. invalid_params)."""
    print(f"error ({kind}): {message}", file=sys.stderr, flush=True)
    return emit({"type": "error", "kind": kind, "message": message, **fields})


def _relative_upload_name(name: str) -> str:
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or ".." in posix.parts or not posix.parts:
        raise ValueError(f"upload name must be a relative path inside the uploads dir, got {name!r}")
    return str(posix)


def upload_path(name: str) -> str:
    """Absolute path for a result file `name` (relative, may contain folders) in the uploads dir;
    parent folders are created. Write to it and the worker uploads it."""
    target = Path(uploads_dir()) / _relative_upload_name(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    return str(target)


def upload_file(path: str, name: Optional[str] = None) -> str:
    """Copy a file or folder into the uploads dir (as `name`, default its base name).
    Returns the name relative to the uploads dir, the `path` that events refer to."""
    rel = _relative_upload_name(name or os.path.basename(os.path.normpath(path)))
    target = upload_path(rel)
    if os.path.isdir(path):
        shutil.copytree(path, target, dirs_exist_ok=True)
    else:
        shutil.copy2(path, target)
    return rel
