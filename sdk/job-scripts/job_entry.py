"""Shared start-up of every job entrypoint (stdlib only).

`python3 training/train.py` puts training/ first on sys.path, where our module names could
shadow installed packages; entrypoints call `use_scripts_root(__file__)` first, which replaces that
entry with the job-scripts root (the job's working dir) so `import training.x` works and
`import datasets` finds Hugging Face's. `run_main` turns the known failure kinds into an `error`
event and an exit status: 2 for a problem in the job's input, 1 for anything else.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Callable


def use_scripts_root(entry_file: str) -> str:
    entry_dir = os.path.dirname(os.path.abspath(entry_file))
    root = os.path.dirname(entry_dir)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != entry_dir]
    if root not in sys.path:
        sys.path.insert(0, root)
    return root


def failure_kind(error: BaseException) -> str:
    from param_checks import ParamError
    from training.dataset_files import DatasetError

    if isinstance(error, ParamError):
        return "invalid_params"
    if isinstance(error, DatasetError):
        return "invalid_dataset"
    text = str(error).lower()
    if "out of memory" in text or type(error).__name__ == "OutOfMemoryError":
        return "oom"
    if type(error).__name__ == "MissingSecret":
        return "missing_secret"
    return "runtime_error"


USER_ERRORS = {"invalid_params", "invalid_dataset", "missing_secret"}


def run_main(body: Callable[[], object]) -> int:
    import openweights_job as job

    try:
        body()
        return 0
    except KeyboardInterrupt:
        raise
    except Exception as e:
        kind = failure_kind(e)
        fields = {"problems": e.problems[:50]} if hasattr(e, "problems") else {}
        traceback.print_exc()
        job.emit_error(str(e), kind, **fields)
        return 2 if kind in USER_ERRORS else 1
