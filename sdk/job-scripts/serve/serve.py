"""Entrypoint of the serving job: `python3 serve/serve.py`.

Starts `vllm serve` (or, on the transformers backend, serve/openai_server.py) with an API key, waits until /health answers and /v1/models refuses a request
without the key and accepts one with it, emits {"type": "api_ready", ...}, then stays in the
foreground until the server exits or the worker stops the job (SIGTERM is passed on to vLLM).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from job_entry import run_main, use_scripts_root  # noqa: E402

use_scripts_root(__file__)

POLL_S = 1  # a tiny model on the transformers backend is ready in seconds


def http_status(url: str, api_key=None, timeout: float = 5.0):
    """(status, body) or (None, None) when nothing answers."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {api_key}"} if api_key else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, b""
    except (urllib.error.URLError, OSError):
        return None, None


def resolve_adapters(config, token):
    """served name -> local path, and the rank vLLM must allow."""
    from lora_models import resolve_model, vllm_lora_rank

    modules, ranks = {}, []
    for adapter in config.lora_adapters:
        resolved = resolve_model(adapter, token, os.environ.get("OPENWEIGHTS_MODEL_CACHE", "/workspace/hf_models"))
        if not resolved["adapter_path"]:
            raise ValueError(f"{adapter} is not a LoRA adapter (no adapter_config.json)")
        modules[adapter] = resolved["adapter_path"]
        ranks.append(resolved["rank"])
    rank = config.max_lora_rank if config.max_lora_rank != "auto" else max(ranks, default=16)
    return modules, vllm_lora_rank(rank)


def wait_until_ready(process, config, api_key, started):
    import json
    import time

    base = f"http://127.0.0.1:{config.port}"
    while time.time() - started < config.startup_timeout_s:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before it was ready")
        status, _ = http_status(f"{base}/health")
        if status == 200:
            unauthenticated, _ = http_status(f"{base}/v1/models")
            if unauthenticated != 401:
                raise RuntimeError(f"the server answered {unauthenticated} without an API key; refusing to serve it unauthenticated")
            status, body = http_status(f"{base}/v1/models", api_key)
            if status == 200:
                return [m["id"] for m in json.loads(body).get("data", [])]
        time.sleep(POLL_S)
    raise TimeoutError(f"the server was not ready within {config.startup_timeout_s}s")


def run(config) -> int:
    import secrets
    import signal
    import subprocess
    import time

    import openweights_job as job
    from serve.params import SERVER_KEY_ENV, api_ready_event, choose_api_key, redacted, serve_argv, transformers_server_argv

    from inference.engines import resolve_backend

    token = os.environ.get("HF_TOKEN") or None
    modules, rank = resolve_adapters(config, token)
    key = choose_api_key(config, os.environ, lambda: secrets.token_urlsafe(32))
    backend = resolve_backend(config.backend)
    if backend == "vllm":
        argv, env = serve_argv(config, job.n_gpus(), modules, rank, key["key"]), None
    else:
        argv, env = transformers_server_argv(config, modules), {**os.environ, SERVER_KEY_ENV: key["key"]}
    print(f"starting ({backend}): " + " ".join(redacted(argv)), flush=True)
    started = time.time()
    process = subprocess.Popen(argv, env=env)

    def stop(signum, _frame):
        process.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        served = wait_until_ready(process, config, key["key"], started)
    except BaseException:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        raise
    job.emit(api_ready_event(config, os.environ, served, key, time.time() - started))
    code = process.wait()
    job.emit({"type": "api_stopped", "exit_code": code})
    return code


def main(raw_params=None) -> int:
    import openweights_job as job
    from serve.params import parse_serve_params

    result = {}

    def body():
        result["code"] = run(parse_serve_params(job.params() if raw_params is None else raw_params))

    status = run_main(body)
    # a server stopped by SIGTERM (job canceled) ends with a negative code: report it as it is
    return status if status else (0 if result.get("code") in (0, -15) else 1)


if __name__ == "__main__":
    sys.exit(main())
