"""Model ids that may point at a LoRA adapter or a checkpoint subfolder (pure helpers).

"org/repo"                  a model or an adapter repo
"org/repo/checkpoint-100"   a subfolder of a repo (the training job pushes checkpoints there)
"./path" or "/abs/path"     a local directory
"""

from __future__ import annotations

from typing import Optional, Tuple

# vLLM accepts only these LoRA ranks for --max-lora-rank / max_lora_rank
VLLM_LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)


def is_local_path(model: str) -> bool:
    return model.startswith(("/", "./", "../"))


def split_model_id(model: str) -> Tuple[str, Optional[str]]:
    """(repo_id, subfolder or None)."""
    if is_local_path(model):
        return model, None
    parts = model.strip("/").split("/")
    if len(parts) <= 2:
        return model, None
    return "/".join(parts[:2]), "/".join(parts[2:])


def vllm_lora_rank(rank: int) -> int:
    """Smallest rank vLLM accepts that holds `rank`."""
    for allowed in VLLM_LORA_RANKS:
        if allowed >= rank:
            return allowed
    raise ValueError(f"LoRA rank {rank} is above vLLM's maximum {VLLM_LORA_RANKS[-1]}")


def resolve_model(model: str, token: Optional[str], cache_dir: str) -> dict:
    """{"base": model to load, "adapter_path": local dir or None, "rank": r or None, "adapter_id"}.
    Downloads only what is needed (the subfolder of a checkpoint)."""
    import json
    import os

    if is_local_path(model):
        config_path = os.path.join(model, "adapter_config.json")
        if os.path.isfile(config_path):
            with open(config_path) as f:
                cfg = json.load(f)
            return {"base": cfg["base_model_name_or_path"], "adapter_path": model, "rank": int(cfg.get("r", 16)), "adapter_id": model}
        return {"base": model, "adapter_path": None, "rank": None, "adapter_id": None}
    from huggingface_hub import hf_hub_download, snapshot_download
    from huggingface_hub.utils import EntryNotFoundError

    repo, sub = split_model_id(model)
    try:
        config_file = hf_hub_download(repo, "adapter_config.json", subfolder=sub, token=token)
    except EntryNotFoundError:
        config_file = None
    local = snapshot_download(repo, allow_patterns=[f"{sub}/*"] if sub else None, local_dir=os.path.join(cache_dir, repo.replace("/", "__")), token=token) if (sub or config_file) else None
    folder = os.path.join(local, sub) if local and sub else local
    if config_file is None:
        return {"base": folder or repo, "adapter_path": None, "rank": None, "adapter_id": None}
    with open(config_file) as f:
        cfg = json.load(f)
    return {"base": cfg["base_model_name_or_path"], "adapter_path": folder, "rank": int(cfg.get("r", 16)), "adapter_id": model}
