"""params.json of the batch-inference job and the pure steps around vLLM (features §4.4)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Dict, List, Optional

import param_checks as pc
from param_checks import REQUIRED, Field, ParamError

OUTPUT = "results.jsonl"


def _model(value: Any) -> str:
    value = pc.string(value)
    if "/" not in value:
        raise ValueError("must be '<org>/<name>' (optionally '/<subfolder>') or a local path")
    return value


FIELDS = {
    "model": Field(REQUIRED, _model),
    "input_file": Field(REQUIRED, pc.relative_path),
    "chat_template": Field("default", pc.string),
    "max_tokens": Field(600, pc.integer(1)),
    "temperature": Field(1.0, pc.number(0)),
    "top_p": Field(1.0, pc.number(0, 1, exclusive_min=True)),
    "stop": Field([], pc.string_list),
    "prefill": Field("", pc.text),
    "min_tokens": Field(1, pc.integer(0)),
    "max_model_len": Field(8196, pc.integer(16)),
    "logprobs": Field(None, pc.optional(pc.integer(0))),
    "n_completions_per_prompt": Field(1, pc.integer(1)),
    "quantization": Field(None, pc.optional(pc.string)),
    "load_format": Field(None, pc.optional(pc.string)),
    "max_num_seqs": Field(32, pc.integer(1)),
    "gpu_memory_utilization": Field(0.95, pc.number(0, 1, exclusive_min=True)),
    "seed": Field(None, pc.optional(pc.integer(0))),
    "job_id_suffix": Field(None, pc.optional(pc.string)),  # only feeds the SDK's job id
    # vllm on a GPU; transformers anywhere (CPU included); auto = vllm when it can run
    "backend": Field("auto", pc.one_of("auto", "vllm", "transformers")),
}


def _min_not_above_max(config) -> Optional[str]:
    if config.min_tokens > config.max_tokens:
        return "min_tokens must be <= max_tokens"
    return None


def parse_inference_params(raw: dict) -> SimpleNamespace:
    config = pc.parse_params(raw, FIELDS, [_min_not_above_max])
    config.warnings = apply_auto_quantization(config)
    return config


def apply_auto_quantization(config: SimpleNamespace) -> List[str]:
    """A '4bit' model name implies bitsandbytes (pre-quantized weights); the original did the same."""
    if "4bit" not in config.model.lower():
        return []
    warnings = []
    if config.quantization is None:
        config.quantization = "bitsandbytes"
        warnings.append("quantization set to bitsandbytes for a 4bit model")
    if config.load_format is None:
        config.load_format = "bitsandbytes"
        warnings.append("load_format set to bitsandbytes for a 4bit model")
    return warnings


def tensor_parallel_size(config: SimpleNamespace, n_gpus: int) -> int:
    return 1 if config.quantization == "bitsandbytes" else max(1, n_gpus)


def sampling_kwargs(config: SimpleNamespace, eos_token: Optional[str]) -> Dict[str, Any]:
    """kwargs for vllm.SamplingParams; min_tokens is passed through (the original always sent 1)."""
    stop = ([eos_token] if eos_token else []) + [s for s in config.stop if s != eos_token]
    kwargs = {
        "n": config.n_completions_per_prompt,
        "temperature": config.temperature,
        "top_p": config.top_p,
        "max_tokens": config.max_tokens,
        "min_tokens": config.min_tokens,
        "stop": stop,
        "skip_special_tokens": True,
        "logprobs": config.logprobs,
    }
    if config.seed is not None:
        kwargs["seed"] = config.seed
    return kwargs


def format_logprobs(position_logprobs) -> Optional[List[List[dict]]]:
    """vLLM's per-position {token_id: Logprob(logprob, rank, decoded_token)} -> JSON lists, best rank first."""
    if position_logprobs is None:
        return None
    out = []
    for position in position_logprobs:
        entries = [{"token_id": int(tid), "decoded_token": lp.decoded_token, "logprob": float(lp.logprob), "rank": lp.rank} for tid, lp in (position or {}).items()]
        out.append(sorted(entries, key=lambda e: (e["rank"] is None, e["rank"] or 0)))
    return out


def result_row(row: dict, outputs: list, n: int) -> dict:
    """The input row plus `completion` (a string, or a list when n > 1) and `logprobs` (same shape)."""
    texts = [o.text for o in outputs]
    logprobs = [format_logprobs(getattr(o, "logprobs", None)) for o in outputs]
    out = dict(row)
    out["completion"] = texts[0] if n == 1 else texts
    out["logprobs"] = logprobs[0] if n == 1 else logprobs
    return out


__all__ = ["ParamError", "parse_inference_params", "sampling_kwargs", "result_row", "format_logprobs", "tensor_parallel_size", "OUTPUT"]
