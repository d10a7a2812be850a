"""Entrypoint of the inspect_ai eval job: `python3 evals/inspect_ai_job.py` (features §4.5).

Runs `inspect eval <eval_name> --model vllm/<model>` with JSON logs written to
uploads/inspect-logs/, then emits one `eval_results` event per log with its scores. Runs on the
vLLM image (the original used the Unsloth image, which lacks vLLM: features §10.18). Options are
an argument list (or a string split like a shell would, without a shell).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from job_entry import run_main, use_scripts_root  # noqa: E402

use_scripts_root(__file__)

import param_checks as pc  # noqa: E402
from param_checks import REQUIRED, Field  # noqa: E402

LOG_DIR = "inspect-logs"


def _options(value):
    import shlex

    if isinstance(value, str):
        return shlex.split(value)
    return pc.string_list(value) if value else []


FIELDS = {
    "model": Field(REQUIRED, pc.string),
    "eval_name": Field(REQUIRED, pc.string),
    "max_model_len": Field(8192, pc.integer(16)),
    "options": Field([], _options),
    "provider": Field("vllm", pc.string),
}


def parse(raw: dict):
    return pc.parse_params(raw, FIELDS)


def inspect_argv(config, log_dir: str, inspect_bin: str = "inspect") -> list:
    argv = [inspect_bin, "eval", config.eval_name, "--model", f"{config.provider}/{config.model}", "--log-dir", log_dir]
    if "--log-format" not in config.options:
        argv += ["--log-format", "json"]
    if config.provider == "vllm":
        argv += ["-M", f"max_model_len={config.max_model_len}"]
    return argv + list(config.options)


def summarize_log(log: dict) -> dict:
    """Scores of one inspect JSON log: {"task", "status", "samples", "scores": {scorer: {metric: value}}}."""
    results = log.get("results") or {}
    scores = {}
    for score in results.get("scores") or []:
        scores[score.get("name", "score")] = {name: m.get("value") for name, m in (score.get("metrics") or {}).items()}
    return {"task": (log.get("eval") or {}).get("task"), "status": log.get("status"), "samples": results.get("completed_samples", results.get("total_samples")), "scores": scores}


def run(config) -> int:
    import json
    import shutil
    import subprocess

    import openweights_job as job

    # the CLI installed beside this interpreter (the image's pinned inspect-ai), else the one on PATH
    beside = os.path.join(os.path.dirname(sys.executable), "inspect")
    inspect_bin = beside if os.path.exists(beside) else shutil.which("inspect")
    if inspect_bin is None:
        raise RuntimeError("inspect-ai is not installed in this image (it is pinned in requirements/common.txt)")
    log_dir = job.upload_path(LOG_DIR)
    os.makedirs(log_dir, exist_ok=True)
    # inspect refuses absolute task paths (it globs them); run it beside a task file given that way
    cwd = None
    if os.path.isabs(config.eval_name):
        cwd, config.eval_name = os.path.split(config.eval_name)
    argv = inspect_argv(config, log_dir, inspect_bin)
    print("running: " + " ".join(argv), flush=True)
    code = subprocess.run(argv, env={**os.environ, "INSPECT_LOG_DIR": log_dir}, cwd=cwd).returncode
    files = sorted(f for f in os.listdir(log_dir))
    for name in files:
        if name.endswith(".json"):
            with open(os.path.join(log_dir, name), encoding="utf-8") as f:
                job.emit({"type": "eval_results", "benchmark": config.eval_name, "model": config.model, "path": f"{LOG_DIR}/{name}", **summarize_log(json.load(f))})
    job.emit({"type": "inspect_logs", "path": LOG_DIR, "files": files, "exit_code": code})
    if code != 0:
        raise RuntimeError(f"inspect eval exited with {code}")
    return code


def main(raw_params=None) -> int:
    import openweights_job as job

    return run_main(lambda: run(parse(job.params() if raw_params is None else raw_params)))


if __name__ == "__main__":
    sys.exit(main())
