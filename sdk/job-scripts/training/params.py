"""params.json of the training jobs: defaults, validation, learning-rate parsing. Stdlib only.

Two job kinds share one table (features §4.1 / §4.3):
  fine_tuning   SFT / DPO / ORPO (Unsloth + TRL, transformers + PEFT fallback)
  weighted_sft  token-weighted SFT (transformers + PEFT), different defaults
Dataset params hold paths relative to the working dir (the SDK mounts each file there).
"""

from __future__ import annotations

import math
import re
from types import SimpleNamespace
from typing import Any, Dict, Optional

import param_checks as pc
from param_checks import REQUIRED, Field, ParamError
from training.schedules import check_every

FORBIDDEN_HUB_ORGS = {"datasets", "models", "unsloth", "None"}
DEFAULT_TARGET_MODULES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
LR_SCHEDULERS = ("linear", "cosine", "cosine_with_restarts", "polynomial", "constant", "constant_with_warmup")
# Accepted `optim` names and what transformers' TrainingArguments calls them. The original
# allowed "adamw"/"adam", which TrainingArguments rejects; they map to torch AdamW
# (set weight_decay=0 for plain Adam).
OPTIMIZERS = {"adamw_8bit": "adamw_8bit", "adamw_torch": "adamw_torch", "adamw": "adamw_torch", "adam": "adamw_torch", "sgd": "sgd"}
BACKENDS = ("auto", "unsloth", "transformers")

_FLOAT = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_POWER = re.compile(rf"^\s*({_FLOAT})\s*(?:\*\*|\^)\s*({_FLOAT})\s*$")


def parse_learning_rate(value: Any) -> float:
    """A learning rate given as a number or a string, without eval() (features §10.5).

    Numbers must be > 0. Strings may be a float literal ("1e-4", "0.0002") or a power
    ("10**-4", "10^-4"); a negative string value is an exponent of ten ("-4" -> 1e-4), as
    the original's eval-based parser treated it."""
    if isinstance(value, bool):
        raise ValueError("must be a number or a numeric string")
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or value <= 0:
            raise ValueError("must be > 0")
        return float(value)
    if not isinstance(value, str):
        raise ValueError("must be a number or a numeric string")
    text = value.strip()
    power = _POWER.match(text)
    try:
        result = float(power.group(1)) ** float(power.group(2)) if power else float(text) if re.fullmatch(_FLOAT, text) else None
    except (OverflowError, ZeroDivisionError):
        result = None
    if result is None or isinstance(result, complex) or not math.isfinite(result):
        raise ValueError(f"cannot read {value!r} as a learning rate (use e.g. 1e-4, \"1e-4\" or \"10**-4\")")
    if result < 0:
        result = 10.0 ** result
    if result <= 0:
        raise ValueError("must be > 0")
    return result


def check_hub_model_id(value: Any) -> str:
    value = pc.string(value)
    if "{" in value or "}" in value:
        raise ValueError("still holds a {placeholder}: the SDK expands it before submitting")
    parts = value.split("/")
    if len(parts) != 2 or not all(parts) or not all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}", p) for p in parts):
        raise ValueError("must be exactly '<org>/<name>' (letters, digits, '.', '_', '-')")
    if parts[0] in FORBIDDEN_HUB_ORGS:
        raise ValueError(f"org '{parts[0]}' is not allowed: set HF_ORG or HF_USER in the SDK")
    return value


def check_dataset_map(value: Any) -> Dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError("must be an object {tag: dataset path}")
    for tag, path in value.items():
        if not tag:
            raise ValueError("tags must be non-empty")
        pc.relative_path(path)
    return dict(value)


def sampling_callback_check(default_eval_steps):
    fields = {
        "dataset": Field(REQUIRED, pc.relative_path),
        "eval_steps": Field(default_eval_steps, check_every),
        "batch_size": Field(8, pc.integer(1)),
        "tag": Field("samples", pc.string),
        "temperature": Field(0.0, pc.number(0)),
        "max_tokens": Field(600, pc.integer(1)),
    }

    def check(value: Any):
        if not isinstance(value, list):
            raise ValueError("must be a list of sampling callbacks")
        out = []
        for i, item in enumerate(value):
            try:
                out.append(pc.parse_params(item, fields))
            except ParamError as e:
                raise ValueError(f"[{i}] " + "; ".join(e.problems)) from None
        return out
    return check


def _fields(kind: str) -> Dict[str, Field]:
    weighted = kind == "weighted_sft"
    fields = {
        "model": Field(REQUIRED, pc.string),
        "training_file": Field(REQUIRED, pc.relative_path),
        "loss": Field("sft", pc.one_of("sft")) if weighted else Field(REQUIRED, pc.one_of("sft", "dpo", "orpo")),
        "test_file": Field(None, pc.optional(pc.relative_path)),
        "chat_template": Field("default", pc.string),
        # naming inputs the SDK consumes when it expands finetuned_model_id; accepted, unused here
        "finetuned_model_id": Field(None, pc.optional(check_hub_model_id)),
        "job_id_suffix": Field(None, pc.optional(pc.string)),
        "push_to_hub": Field(True, pc.boolean),
        "merge_before_push": Field(True, pc.boolean),
        "push_to_private": Field(True, pc.boolean),
        "max_seq_length": Field(2048, pc.integer(1)),
        "load_in_4bit": Field(False, pc.boolean),
        "is_peft": Field(True, pc.boolean),
        "target_modules": Field(DEFAULT_TARGET_MODULES, pc.string_list),
        "lora_bias": Field("none", pc.one_of("none", "all")),
        "r": Field(16, pc.integer(1)),
        "lora_alpha": Field(16, pc.number(0, exclusive_min=True)),
        "lora_dropout": Field(0.0, pc.number(0, 1)),
        "use_rslora": Field(True, pc.boolean),
        "epochs": Field(1, pc.number(0, exclusive_min=True)),
        "max_steps": Field(None, pc.optional(pc.integer(1))),
        "per_device_train_batch_size": Field(2, pc.integer(1)),
        "gradient_accumulation_steps": Field(8, pc.integer(1)),
        "warmup_steps": Field(5, pc.integer(0)),
        "learning_rate": Field(1e-4, parse_learning_rate),
        "logging_steps": Field(1, pc.integer(1)),
        "optim": Field("adamw_torch" if weighted else "adamw_8bit", pc.one_of(*OPTIMIZERS)),
        "weight_decay": Field(0.01, pc.number(0)),
        "lr_scheduler_type": Field("linear", pc.one_of(*LR_SCHEDULERS)),
        "seed": Field(3407, pc.integer(0)),
        "save_steps": Field(5000, pc.integer(1)),
        "output_dir": Field("./tmp", pc.relative_path),
        "train_on_responses_only": Field(True, pc.boolean),
        "logp_callback_datasets": Field({}, check_dataset_map),
        "eval_every_n_steps": Field("log" if weighted else 5000, check_every),
        "sampling_callbacks": Field(None, pc.optional(sampling_callback_check("log" if weighted else 10))),
        "eval_batch_size": Field(8, pc.integer(1)),
        "test_file_eval_steps": Field(None, pc.optional(check_every)),
        "test_file_eval_strategy": Field("epoch", pc.one_of("epoch", "steps", "no")),
        "meta": Field(None, pc.optional(pc.json_object)),
        "backend": Field("transformers" if weighted else "auto", pc.one_of(*BACKENDS)),
    }
    if weighted:
        fields["ft_id_suffix"] = Field(None, pc.optional(pc.string))
    else:
        fields["model_naming_extra_parameters"] = Field(None, pc.optional(pc.json_object))
        fields["beta"] = Field(0.1, pc.number(0, exclusive_min=True))
        fields["packing"] = Field(True, pc.boolean)
    return fields


def wants_4bit(config: SimpleNamespace) -> bool:
    return bool(config.load_in_4bit) or "4bit" in config.model.lower()


def _no_4bit_logprobs(config: SimpleNamespace) -> Optional[str]:
    if wants_4bit(config) and config.logp_callback_datasets:
        return "logp_callback_datasets cannot be used with a 4-bit model"
    return None


def _hub_target(config: SimpleNamespace) -> Optional[str]:
    if config.push_to_hub and not config.finetuned_model_id:
        return "push_to_hub needs finetuned_model_id ('<org>/<name>'); set push_to_hub=false to keep the model in uploads/"
    return None


def _merge_needs_full_precision(config: SimpleNamespace) -> Optional[str]:
    if config.push_to_hub and config.merge_before_push and wants_4bit(config) and config.backend == "transformers":
        return "merge_before_push with a 4-bit model needs the unsloth backend; push the adapter (merge_before_push=false)"
    return None


def parse_training_params(raw: dict, kind: str = "fine_tuning") -> SimpleNamespace:
    if kind not in ("fine_tuning", "weighted_sft"):
        raise ValueError(f"unknown training job kind {kind!r}")
    config = pc.parse_params(raw, _fields(kind), [_no_4bit_logprobs, _hub_target, _merge_needs_full_precision])
    config.kind = kind
    if kind == "weighted_sft":
        config.beta, config.packing = None, False
    return config


def trainer_optim(config: SimpleNamespace) -> str:
    return OPTIMIZERS[config.optim]
