"""params.json of the serving job and the `vllm serve` command line (pure; features §3.8).

Unlike the original, the server always requires an API key (features §10.4).
"""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Dict, List, Mapping, Optional

import param_checks as pc
from param_checks import REQUIRED, Field

API_KEY_ENV = "OPENWEIGHTS_SERVE_API_KEY"


def _rank(value):
    return "auto" if value == "auto" else pc.integer(1)(value)


FIELDS = {
    "model": Field(REQUIRED, pc.string),
    "lora_adapters": Field([], pc.string_list),
    "max_lora_rank": Field("auto", _rank),
    "max_loras": Field(-1, pc.integer(-1)),
    "max_model_len": Field(2048, pc.integer(16)),
    "max_num_seqs": Field(16, pc.integer(1)),
    "quantization": Field(None, pc.optional(pc.string)),
    "kv_cache_dtype": Field(None, pc.optional(pc.string)),
    "gpu_memory_utilization": Field(None, pc.optional(pc.number(0, 1, exclusive_min=True))),
    # null: the port the worker chose for serving (OPENWEIGHTS_SERVE_PORT; RunPod pods expose it)
    "port": Field(None, pc.optional(pc.integer(1))),
    "api_key": Field(None, pc.optional(pc.string)),
    "startup_timeout_s": Field(3600, pc.integer(1)),
    "extra_args": Field([], pc.string_list),
    # vllm serve on a GPU; transformers = serve/openai_server.py (small models, CPU included)
    "backend": Field("auto", pc.one_of("auto", "vllm", "transformers")),
}


SERVE_PORT_ENV, PUBLIC_URL_ENV, DEFAULT_PORT = "OPENWEIGHTS_SERVE_PORT", "OPENWEIGHTS_PUBLIC_URL", 8000


def parse_serve_params(raw: dict, env: Optional[Mapping[str, str]] = None) -> SimpleNamespace:
    config = pc.parse_params(raw, FIELDS)
    if config.port is None:
        given = (os.environ if env is None else env).get(SERVE_PORT_ENV, "")
        config.port = int(given) if given.isdigit() else DEFAULT_PORT
    return config


def effective_max_loras(max_loras: int, n_adapters: int) -> int:
    """-1 means one slot per adapter; anything else is at least 1."""
    return max(1, n_adapters) if max_loras == -1 else max(1, max_loras)


def choose_api_key(config: SimpleNamespace, env: Mapping[str, str], generate) -> Dict[str, str]:
    """{"key", "source"}: the declared secret wins, then params.api_key, else a fresh random key
    (reported in the api_ready event so the submitter can use it)."""
    if env.get(API_KEY_ENV):
        return {"key": env[API_KEY_ENV], "source": "secret"}
    if config.api_key:
        return {"key": config.api_key, "source": "params"}
    return {"key": generate(), "source": "generated"}


def serve_argv(config: SimpleNamespace, n_gpus: int, lora_modules: Dict[str, str], max_lora_rank: int, api_key: str) -> List[str]:
    """`vllm serve` arguments. lora_modules: served name -> local path or Hub id."""
    argv = ["vllm", "serve", config.model, "--dtype", "auto", "--max-model-len", str(config.max_model_len),
            "--max-num-seqs", str(config.max_num_seqs), "--enable-prefix-caching", "--host", "0.0.0.0", "--port", str(config.port),
            "--api-key", api_key]
    if "bnb-4bit" in config.model.lower():
        argv += ["--quantization", "bitsandbytes", "--load-format", "bitsandbytes", "--tensor-parallel-size", "1", "--pipeline-parallel-size", str(n_gpus)]
    else:
        argv += ["--tensor-parallel-size", str(n_gpus)]
        if config.quantization:
            argv += ["--quantization", config.quantization]
    if config.kv_cache_dtype:
        argv += ["--kv-cache-dtype", config.kv_cache_dtype]
    if config.gpu_memory_utilization is not None:
        argv += ["--gpu-memory-utilization", str(config.gpu_memory_utilization)]
    if lora_modules:
        argv += ["--enable-lora", "--max-lora-rank", str(max_lora_rank), "--max-loras", str(effective_max_loras(config.max_loras, len(lora_modules))),
                 "--lora-modules", *[f"{name}={path}" for name, path in lora_modules.items()]]
    return argv + list(config.extra_args)


SERVER_KEY_ENV = "OPENWEIGHTS_SERVER_KEY"  # serve/openai_server.py reads its key here, not from argv


def transformers_server_argv(config: SimpleNamespace, lora_modules: Dict[str, str]) -> List[str]:
    """serve/openai_server.py's command line (the transformers backend); the key goes in SERVER_KEY_ENV."""
    import sys

    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openai_server.py")
    argv = [sys.executable, script, "--model", config.model, "--port", str(config.port), "--host", "0.0.0.0",
            "--max-model-len", str(config.max_model_len)]
    for name, path in lora_modules.items():
        argv += ["--adapter", f"{name}={path}"]
    return argv


def redacted(argv: List[str]) -> List[str]:
    return ["***" if i > 0 and argv[i - 1] == "--api-key" else a for i, a in enumerate(argv)]


def public_base_url(env: Mapping[str, str], port: int) -> str:
    """Where clients reach the server. The worker hands every job OPENWEIGHTS_PUBLIC_URL, the public
    address of OPENWEIGHTS_SERVE_PORT (RunPod's proxy on a pod, loopback locally; one rule, in
    supabase/functions/_shared/providers/public-url.ts). A server on another port is reachable only
    from inside the pod."""
    if env.get(PUBLIC_URL_ENV) and env.get(SERVE_PORT_ENV) == str(port):
        return env[PUBLIC_URL_ENV].rstrip("/") + "/v1"
    return f"http://127.0.0.1:{port}/v1"


def api_ready_event(config: SimpleNamespace, env: Mapping[str, str], served_models: List[str], key: Dict[str, str], startup_s: float) -> dict:
    event = {"type": "api_ready", "model": config.model, "base_url": public_base_url(env, config.port), "port": config.port,
             "models": served_models, "lora_adapters": list(config.lora_adapters), "max_num_seqs": config.max_num_seqs,
             "max_model_len": config.max_model_len, "api_key_source": key["source"], "startup_s": round(startup_s, 1)}
    if key["source"] == "generated":
        event["api_key"] = key["key"]
    return event


def default_env() -> Mapping[str, str]:
    return os.environ
