"""Saving the trained model: push to the Hugging Face Hub, or keep the adapter in uploads/.

With push_to_hub (needs HF_TOKEN): the repo `finetuned_model_id` is created up front (private per
push_to_private) so each checkpoint can be pushed into `checkpoint-<step>/` as it is saved (a retried
run resumes from there, and inference accepts `org/repo/checkpoint-N`). At the end the merged 16-bit
model (merge_before_push) or the adapter is pushed with the tokenizer, retried 5 times 10 s apart.
Without push: the adapter and tokenizer are saved to uploads/final_model/.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Callable

import openweights_job as job

PUSH_ATTEMPTS, PUSH_PAUSE_S = 5, 10


def with_retries(what: str, action: Callable, attempts: int = PUSH_ATTEMPTS, pause_s: float = PUSH_PAUSE_S, sleep=time.sleep):
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except Exception as e:  # network and Hub errors are worth retrying; the last one is raised
            print(f"{what} failed (attempt {attempt}/{attempts}): {e}", flush=True)
            if attempt == attempts:
                raise
            sleep(pause_s)


def create_repo(repo_id: str, private: bool, token: str) -> None:
    from huggingface_hub import HfApi

    with_retries("create repo", lambda: HfApi(token=token).create_repo(repo_id, private=private, exist_ok=True))


def checkpoint_pusher(repo_id: str, token: str) -> Callable[[str, int], None]:
    from huggingface_hub import HfApi

    api = HfApi(token=token)

    def push(folder: str, step: int) -> None:
        try:
            with_retries(f"push checkpoint {step}", lambda: api.upload_folder(repo_id=repo_id, folder_path=folder, path_in_repo=f"checkpoint-{step}", commit_message=f"checkpoint {step}"), attempts=3)
            job.emit({"type": "checkpoint_pushed", "step": step, "repo_id": repo_id, "path_in_repo": f"checkpoint-{step}"})
        except Exception as e:  # a lost checkpoint upload must not kill hours of training
            job.emit({"type": "warning", "message": f"checkpoint {step} not pushed: {e}", "step": step})

    return push


def save_final_model(model, tokenizer, config: SimpleNamespace, backend: str, token) -> None:
    if not config.push_to_hub:
        target = job.upload_path("final_model")
        model.save_pretrained(target)
        tokenizer.save_pretrained(target)
        job.emit({"type": "model_saved", "path": "final_model", "merged": False, "adapter": bool(config.is_peft)})
        return
    repo, private = config.finetuned_model_id, config.push_to_private
    merged = bool(config.merge_before_push and config.is_peft)
    if merged and backend == "unsloth":
        with_retries("push merged model", lambda: model.push_to_hub_merged(repo, tokenizer, save_method="merged_16bit", token=token, private=private))
    else:
        to_push = model.merge_and_unload() if merged else model
        with_retries("push model", lambda: to_push.push_to_hub(repo, token=token, private=private))
        with_retries("push tokenizer", lambda: tokenizer.push_to_hub(repo, token=token, private=private))
    job.emit({"type": "model_pushed", "repo_id": repo, "merged": merged or not config.is_peft, "url": f"https://huggingface.co/{repo}"})
