"""Where a retried run resumes from (pure discovery; Hub download imported lazily).

Checkpoints are Trainer folders `checkpoint-<step>`; one is complete when it holds
trainer_state.json (the Trainer writes it last; a Hub upload is one commit). A run resumes only
when OPENWEIGHTS_ATTEMPT > 1: on a first attempt a same-named Hub repo may hold checkpoints of an
earlier, different job. Candidates, highest step wins, local before Hub on a tie:
  1. <output_dir>/checkpoint-N            (the same machine and working dir)
  2. <uploads>/checkpoints/checkpoint-N   (for a worker that restores the previous run's uploads)
  3. <finetuned_model_id>/checkpoint-N on the Hub (pushed as each checkpoint is saved, when push_to_hub)
"""

from __future__ import annotations

import os
import re
from typing import Iterable, List, Optional, Tuple

_NAME = re.compile(r"^checkpoint-(\d+)$")
COMPLETE_MARKER = "trainer_state.json"


def local_checkpoints(directory: str) -> List[Tuple[int, str]]:
    found = []
    if os.path.isdir(directory):
        for name in os.listdir(directory):
            match = _NAME.match(name)
            path = os.path.join(directory, name)
            if match and os.path.isfile(os.path.join(path, COMPLETE_MARKER)):
                found.append((int(match.group(1)), path))
    return sorted(found)


def hub_checkpoint_steps(repo_files: Iterable[str]) -> List[int]:
    """Complete checkpoint steps from a Hub repo's file list ("checkpoint-10/trainer_state.json")."""
    steps = set()
    for path in repo_files:
        parts = path.split("/")
        if len(parts) == 2 and parts[1] == COMPLETE_MARKER:
            match = _NAME.match(parts[0])
            if match:
                steps.add(int(match.group(1)))
    return sorted(steps)


def choose_resume(attempt: int, local_dirs: Iterable[str], hub_files: Optional[Iterable[str]] = None) -> Optional[dict]:
    """{"source": "local"|"hub", "step": N, "path" | "subfolder"} or None."""
    if attempt <= 1:
        return None
    best = None
    for directory in local_dirs:
        for step, path in local_checkpoints(directory):
            if best is None or step > best["step"]:
                best = {"source": "local", "step": step, "path": path}
    for step in hub_checkpoint_steps(hub_files or []):
        if best is None or step > best["step"]:
            best = {"source": "hub", "step": step, "subfolder": f"checkpoint-{step}"}
    return best


def list_hub_files(repo_id: str, token: Optional[str]) -> List[str]:
    """The repo's files, or [] when it does not exist yet."""
    from huggingface_hub import HfApi

    try:
        return HfApi(token=token).list_repo_files(repo_id)
    except Exception as e:  # RepositoryNotFoundError and friends: nothing to resume from
        print(f"no hub checkpoints in {repo_id}: {type(e).__name__}", flush=True)
        return []


def download_hub_checkpoint(repo_id: str, subfolder: str, token: Optional[str], dest_dir: str) -> str:
    from huggingface_hub import snapshot_download

    snapshot_download(repo_id, allow_patterns=[f"{subfolder}/*"], local_dir=dest_dir, token=token)
    return os.path.join(dest_dir, subfolder)
