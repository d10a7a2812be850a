"""VRAM guesses of the built-in jobs (features §3.8, §4.2, §4.4), in GB. Stdlib only.

The SDK's TypeScript job definitions compute the same numbers when `requires_vram_gb` is
"guess"; this module is the reference they are tested against (README lists the formulas).
"""

from __future__ import annotations

import re

DEFAULT_MODEL_SIZE_B = 32
FINE_TUNING_DEFAULT_GB = 24
WEIGHTED_SFT_DEFAULT_GB = 60
INSPECT_AI_DEFAULT_GB = 60
MMLU_PRO_DEFAULT_GB = 60


def guess_model_size_b(model: str) -> float:
    """Billions of parameters read from the name: the first '<number>b' ("Qwen3-30B-A3B" -> 30,
    "Qwen2.5-0.5B" -> 0.5); "mistral-small" -> 22; unknown -> 32."""
    match = re.search(r"(?<![\d.])(\d+(?:\.\d+)?)[bB](?![a-zA-Z])", model)
    if match:
        return float(match.group(1))
    if "mistral-small" in model.lower():
        return 22
    return DEFAULT_MODEL_SIZE_B


def _weights_gb(model: str, quantization_applies: bool = True) -> float:
    size = 2 * guess_model_size_b(model)
    lowered = model.lower()
    if quantization_applies and "8bit" in lowered:
        size /= 2
    elif quantization_applies and "4bit" in lowered:
        size /= 4
    return size


def api_vram_gb(model: str, max_loras: int = 0, max_lora_rank: int = 16) -> int:
    """Serving: weights + max_loras*rank/16 + 5 (KV cache and runtime)."""
    return int(_weights_gb(model) + max_loras * max_lora_rank / 16 + 5 + 0.5)


def inference_vram_gb(base_model: str, lora_rank: int = 0) -> int:
    """Batch inference: weights (no 4/8-bit discount for 'ftjob' models) + 15 GB KV cache + rank/16."""
    weights = _weights_gb(base_model, quantization_applies="ftjob" not in base_model)
    return int(weights + 15 + 0.5 + lora_rank / 16)


def logprob_vram_gb(model: str) -> int:
    return 36 if "8b" in model.lower() else 70
