"""One training run, end to end: data -> model -> trainer -> resume -> train -> save/push.

`run_training(config)` is the entry function behind training/train.py and
training/weighted_sft.py (and what gpu_check.py drives with a local toy model).
"""

from __future__ import annotations

import os
import time
from types import SimpleNamespace
from typing import Optional

import openweights_job as job
from training.chat_spans import end_of_turn_ids, tokenize_row
from training.checkpoints import choose_resume, download_hub_checkpoint, list_hub_files
from training.dataset_files import is_block_format, load_dataset, split_off_test
from training.params import wants_4bit
from training.resume import train_from


class MissingSecret(ValueError):
    pass


def load_all_data(config: SimpleNamespace) -> SimpleNamespace:
    """Validate every dataset before any GPU work, so bad data fails in seconds."""
    kind = "preference" if config.loss in ("dpo", "orpo") else "conversations"
    train = load_dataset(config.training_file, kind)
    test = load_dataset(config.test_file, kind) if config.test_file else []
    if not test and config.kind == "weighted_sft":
        train, test = split_off_test(train, 0.1, config.seed)
    logp = {tag: load_dataset(path, "conversations") for tag, path in config.logp_callback_datasets.items()}
    sampling = [(s, load_dataset(s.dataset, "conversations")) for s in (config.sampling_callbacks or [])]
    for s, rows in sampling:
        if any("messages" not in r for r in rows):
            raise ValueError(f"sampling dataset {s.dataset} must hold conversations ('messages'), not 'text' rows")
    return SimpleNamespace(train=train, test=test, logp=logp, sampling=sampling)


def _tokenize_all(tokenizer, rows, config, eos_ids):
    return [tokenize_row(tokenizer, r, config.train_on_responses_only, config.max_seq_length, eos_ids) for r in rows]


def _examples(tokenized):
    return [{"input_ids": t.input_ids, "weights": t.weights} for t in tokenized if len(t.input_ids) > 1]


def _resume_point(config: SimpleNamespace, hf_token: Optional[str]) -> Optional[str]:
    hub_files = list_hub_files(config.finetuned_model_id, hf_token) if config.push_to_hub and job.attempt() > 1 else []
    choice = choose_resume(job.attempt(), [config.output_dir, os.path.join(job.uploads_dir(), "checkpoints")], hub_files)
    if choice is None:
        return None
    if choice["source"] == "hub":
        path = download_hub_checkpoint(config.finetuned_model_id, choice["subfolder"], hf_token, os.path.join(config.output_dir, "hub-resume"))
    else:
        path = choice["path"]
    job.emit({"type": "resumed", "step": choice["step"], "source": choice["source"], "path": path, "attempt": job.attempt()})
    return path


def _triton_on_cpu() -> None:
    """TRL 1.15's DPO computes log-probs with a Triton kernel even on CPU ("0 active drivers" without
    a GPU, seen 2026-12-03); Triton's interpreter runs that same kernel on the CPU. Must be set
    before TRL's kernels are imported (triton.jit reads it when a kernel is defined)."""
    import torch

    if not torch.cuda.is_available():
        os.environ.setdefault("TRITON_INTERPRET", "1")


def run_training(config: SimpleNamespace) -> dict:
    _triton_on_cpu()
    from training.callbacks import build_callbacks
    from training.hub import checkpoint_pusher, create_repo, save_final_model
    from training.model_loading import load_model_and_tokenizer, resolve_backend
    from training.trainers import build_preference_trainer, build_unsloth_sft_trainer, build_weighted_trainer

    hf_token = os.environ.get("HF_TOKEN") or None
    if job.state_dir():
        # checkpoints go where a retried attempt on this machine finds them (output_dir is relative)
        config.output_dir = os.path.join(job.state_dir(), config.output_dir)
    if config.push_to_hub and not hf_token:
        raise MissingSecret("push_to_hub needs the HF_TOKEN secret (declare it on the job), or set push_to_hub=false")
    data = load_all_data(config)
    backend = resolve_backend(config)
    if backend == "transformers" and wants_4bit(config) and config.push_to_hub and config.merge_before_push:
        raise ValueError("merging a 4-bit model needs the unsloth backend; set merge_before_push=false")
    weighted = config.kind == "weighted_sft" or (config.loss == "sft" and backend == "transformers")
    if backend == "unsloth" and (weighted or data.logp):
        os.environ["UNSLOTH_RETURN_LOGITS"] = "1"  # Unsloth skips materialising logits otherwise
    started = time.time()
    model, tokenizer = load_model_and_tokenizer(config, backend, hf_token)
    eos_ids = end_of_turn_ids(tokenizer)
    if config.push_to_hub:
        create_repo(config.finetuned_model_id, config.push_to_private, hf_token)
    logp_sets = {tag: (rows, _tokenize_all(tokenizer, rows, config, eos_ids), is_block_format(rows)) for tag, rows in data.logp.items()}
    ctx = SimpleNamespace(config=config, tokenizer=tokenizer, backend=backend, has_eval=bool(data.test), logp_sets=logp_sets, sampling=data.sampling,
                          push_checkpoint=checkpoint_pusher(config.finetuned_model_id, hf_token) if config.push_to_hub else None)
    callbacks = build_callbacks(ctx)
    job.emit({"type": "training_started", "backend": backend, "loss": config.loss, "kind": config.kind, "model": config.model,
              "train_rows": len(data.train), "test_rows": len(data.test), "attempt": job.attempt()})
    if weighted:
        train_examples = _examples(_tokenize_all(tokenizer, data.train, config, eos_ids))
        eval_examples = _examples(_tokenize_all(tokenizer, data.test, config, eos_ids))
        if not train_examples:
            raise ValueError("no training example has more than one token after tokenization")
        trainer = build_weighted_trainer(model, tokenizer, config, train_examples, eval_examples, callbacks)
    elif config.loss == "sft":
        trainer = build_unsloth_sft_trainer(model, tokenizer, config, data.train, data.test, callbacks)
    else:
        trainer = build_preference_trainer(model, tokenizer, config, data.train, data.test, callbacks, backend)
    resume_from = _resume_point(config, hf_token)
    if data.test and not resume_from:
        trainer.evaluate()
    result = train_from(trainer, resume_from)
    if data.test:
        trainer.evaluate()
    save_final_model(trainer.model, tokenizer, config, backend, hf_token)
    summary = {"type": "training_finished", "step": trainer.state.global_step, "train_loss": getattr(result, "training_loss", None),
               "runtime_s": round(time.time() - started, 1)}
    if config.push_to_hub:
        summary["finetuned_model_id"] = config.finetuned_model_id
    return job.emit(summary)
