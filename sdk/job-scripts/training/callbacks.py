"""Trainer callbacks that turn training into events and result files.

Event types (every event has "type"; see README): metrics (tag train|eval|train_summary),
gpu_stats, checkpoint, checkpoint_pushed, logprobs, logprobs_blockwise, logprob_block, samples.
Classes are defined inside `build_callbacks` because they subclass transformers.TrainerCallback,
which must not be imported at module level.
"""

from __future__ import annotations

import json
import os
from types import SimpleNamespace
from typing import Callable, Dict, List

import openweights_job as job
from training.logprob_rows import block_logprob_rows, mean_weighted_loss, tagged_block_events, weighted_tokens
from training.schedules import is_due

GPU_STATS_EVERY = 10
TRAIN_KEYS_SKIPPED = {"total_flos"}


def split_log(logs: Dict) -> List[Dict]:
    """Trainer logs -> metrics events without type/step (pure, tested): eval_* keys are one
    `eval` event, train_runtime & co. a `train_summary` event, the rest a `train` event."""
    eval_part = {k: v for k, v in logs.items() if k.startswith("eval_")}
    summary_part = {k: v for k, v in logs.items() if k.startswith("train_") and k not in eval_part}
    train_part = {k: v for k, v in logs.items() if k not in eval_part and k not in summary_part and k not in TRAIN_KEYS_SKIPPED}
    epoch = {"epoch": logs["epoch"]} if "epoch" in logs else {}
    out = []
    if set(train_part) - {"epoch"}:
        out.append({"tag": "train", **train_part})
    if eval_part:
        out.append({"tag": "eval", **eval_part, **epoch})
    if summary_part:
        out.append({"tag": "train_summary", **summary_part, **epoch})
    return out


def build_callbacks(ctx: SimpleNamespace) -> list:
    """ctx: config, tokenizer, backend, hf_repo (or None), push_checkpoint(folder, step) (or None),
    logp_sets {tag: (rows, tokenized, is_blockwise)}, sampling [(cfg, rows)]."""
    from transformers import TrainerCallback

    class EventsCallback(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and state.is_world_process_zero:
                for part in split_log(logs):
                    job.emit({"type": "metrics", "step": state.global_step, **part})

        def on_step_end(self, args, state, control, **kwargs):
            if state.is_world_process_zero and state.global_step % GPU_STATS_EVERY == 0:
                emit_gpu_stats(state.global_step)

        def on_save(self, args, state, control, **kwargs):
            if not state.is_world_process_zero:
                return
            folder = os.path.join(args.output_dir, f"checkpoint-{state.global_step}")
            job.emit({"type": "checkpoint", "step": state.global_step, "path": folder})
            if ctx.push_checkpoint is not None and os.path.isdir(folder):
                ctx.push_checkpoint(folder, state.global_step)

    class EvalScheduleCallback(TrainerCallback):
        """Evaluation on the "log" schedule, which TrainingArguments cannot express."""

        def on_step_end(self, args, state, control, **kwargs):
            if is_due("log", state.global_step, include_start=False):
                control.should_evaluate = True

    class PeriodicCallback(TrainerCallback):
        """Runs `work(model, step)` at step 0 (unless resumed past it) and on its schedule."""

        def __init__(self, every, work: Callable):
            self.every, self.work = every, work

        def on_train_begin(self, args, state, control, model=None, **kwargs):
            if state.global_step == 0 and state.is_world_process_zero:
                self.work(model, 0)

        def on_step_end(self, args, state, control, model=None, **kwargs):
            if state.global_step > 0 and is_due(self.every, state.global_step) and state.is_world_process_zero:
                self.work(model, state.global_step)

    callbacks = [EventsCallback()]
    if ctx.config.test_file_eval_steps == "log" and ctx.has_eval:
        callbacks.append(EvalScheduleCallback())
    for tag, (rows, tokenized, blockwise) in ctx.logp_sets.items():
        callbacks.append(PeriodicCallback(ctx.config.eval_every_n_steps, _logprob_work(ctx, tag, rows, tokenized, blockwise)))
    for sampling, rows in ctx.sampling:
        callbacks.append(PeriodicCallback(sampling.eval_steps, _sampling_work(ctx, sampling, rows)))
    return callbacks


def emit_gpu_stats(step: int) -> None:
    import torch

    if not torch.cuda.is_available():
        return
    free, _total = torch.cuda.mem_get_info()
    job.emit({
        "type": "gpu_stats", "step": step,
        "gpu_memory_allocated_mb": torch.cuda.memory_allocated() / 2**20,
        "gpu_memory_reserved_mb": torch.cuda.memory_reserved() / 2**20,
        "gpu_memory_free_mb": free / 2**20,
        "gpu_name": torch.cuda.get_device_name(),
    })


def _logprob_work(ctx, tag: str, rows, tokenized, blockwise: bool):
    from training.torch_ops import conversation_logprobs

    def work(model, step: int):
        logps = conversation_logprobs(model, tokenized, ctx.tokenizer.pad_token_id, ctx.config.eval_batch_size)
        loss = mean_weighted_loss(tokenized, logps)
        if blockwise:
            name = f"logp_blockwise_{tag}_{step}.jsonl"
            blockwise_rows = [block_logprob_rows(conv, lp) for conv, lp in zip(tokenized, logps)]
            with open(job.upload_path(name), "w", encoding="utf-8") as f:
                for r in blockwise_rows:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
            job.emit({"type": "logprobs_blockwise", "tag": tag, "step": step, "loss": loss, "path": name})
            for i, r in enumerate(blockwise_rows):
                for event in tagged_block_events(i, r, step, tag):
                    job.emit(event)
        else:
            name = f"logp_{tag}_{step}.json"
            decode = lambda token_id: ctx.tokenizer.decode([token_id])  # noqa: E731
            data = [{"messages": row["messages"], "tokens": weighted_tokens(conv, lp, decode)} for row, conv, lp in zip(rows, tokenized, logps)]
            with open(job.upload_path(name), "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False)
            job.emit({"type": "logprobs", "tag": tag, "step": step, "loss": loss, tag: loss, "path": name})

    return work


def _sampling_work(ctx, sampling, rows):
    from training.torch_ops import generate_completions

    def work(model, step: int):
        completions = generate_completions(model, ctx.tokenizer, rows, sampling.batch_size, sampling.temperature, sampling.max_tokens, use_cache=ctx.backend != "unsloth")
        name = f"samples_{sampling.tag}_{step}.jsonl"
        with open(job.upload_path(name), "w", encoding="utf-8") as f:
            for row, completion in zip(rows, completions):
                f.write(json.dumps({**row, "completion": completion}, ensure_ascii=False) + "\n")
        job.emit({"type": "samples", "tag": sampling.tag, "step": step, "path": name, "rows": len(rows)})

    return work
