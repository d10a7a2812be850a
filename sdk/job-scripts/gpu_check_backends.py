"""The GPU-only backends of `npm run gpu-check`: Unsloth fine-tuning, vLLM batch inference (base model
and LoRA adapter) and vLLM serving, on the same offline toy models as the transformers checks.

No image holds both packages (Unsloth is in the fine-tuning image, vLLM in the inference image), so
each backend's checks run where its package is installed, and `--require unsloth,vllm` turns a
missing one into a failure. vLLM is judged against a direct forward pass: the log-probability vLLM
reports for each token it generated must match transformers' (PEFT's, for the adapter) on the same
prompt and prefix. That holds whatever token a near-tie picks, so the toy model's random weights
cannot make the check flaky. Every vLLM job runs in its own process, as under a worker, so the GPU
memory it takes is freed before the next one starts.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.abspath(__file__))
LOGPROB_TOLERANCE = 0.05  # vLLM runs a float32 checkpoint in float16 ("auto"); the reference is float32
SERVE_KEY = "gpu-check-key"


def installed(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


def unsloth_checks(check, run_job, work: str, model_dir: str, prompts_file: str) -> None:
    """LoRA SFT on the Unsloth backend with responses-only training, a sampling callback (Unsloth's
    generation runs without the KV cache) and checkpoints."""
    params = {
        "model": model_dir, "training_file": "data/train.jsonl", "test_file": "data/test.jsonl", "loss": "sft", "backend": "unsloth",
        "push_to_hub": False, "learning_rate": "3e-3", "max_steps": 30, "per_device_train_batch_size": 8, "gradient_accumulation_steps": 1,
        "warmup_steps": 2, "save_steps": 10, "r": 8, "lora_alpha": 16, "max_seq_length": 128, "load_in_4bit": False,
        "train_on_responses_only": True, "output_dir": "./tmp-unsloth",
        "sampling_callbacks": [{"dataset": prompts_file, "eval_steps": 15, "max_tokens": 6, "tag": "samples"}],
    }
    events_file = os.path.join(work, "events-unsloth.jsonl")
    code = run_job("fine_tuning", params, events_file)
    events = _read_events(events_file)
    check("unsloth: entrypoint exits 0", code == 0, f"exit {code}")
    started = [e for e in events if e["type"] == "training_started"]
    check("unsloth: the unsloth backend was used", bool(started) and started[0].get("backend") == "unsloth", str(started[:1]))
    losses = [e["loss"] for e in events if e.get("type") == "metrics" and e.get("tag") == "train" and isinstance(e.get("loss"), (int, float))]
    falls = len(losses) >= 6 and sum(losses[-3:]) < sum(losses[:3]) * 0.95
    check("unsloth: loss falls", falls, f"{len(losses)} train losses, first {losses[:3]}, last {losses[-3:]}")
    check("unsloth: checkpoint events", {e["step"] for e in events if e["type"] == "checkpoint"} >= {10, 20, 30})
    check("unsloth: sampling at steps 0, 15, 30", [e["step"] for e in events if e["type"] == "samples"] == [0, 15, 30])


def vllm_checks(check, work: str, model_dir: str, adapter_dir: str) -> None:
    for label, model in (("base model", model_dir), ("LoRA adapter", adapter_dir)):
        code, rows = run_inference(work, f"vllm-{label.split()[0].lower()}", {"model": model, "backend": "vllm"})
        check(f"vllm inference ({label}): job exits 0 with a result per prompt", code == 0 and len(rows) == 3, f"exit {code}, {len(rows)} rows")
        compared, worst = logprob_gap(model, rows)
        check(f"vllm inference ({label}): logprobs match a float32 forward pass", compared > 0 and worst <= LOGPROB_TOLERANCE, f"{compared} tokens, largest gap {worst:.4f}")
    serve_checks(check, work, model_dir, adapter_dir, "vllm")


def run_inference(work: str, name: str, params: dict):
    """The batch-inference job on three prompts in its own process; returns its exit code and result rows."""
    job_dir = os.path.join(work, name)
    _write_prompts(os.path.join(job_dir, "prompts.jsonl"))
    params = {"input_file": "prompts.jsonl", "temperature": 0, "max_tokens": 8, "logprobs": 1, "max_model_len": 256, "gpu_memory_utilization": 0.5, **params}
    process = _start_job(job_dir, "inference/run_inference.py", params)
    code = process.wait()
    results = os.path.join(job_dir, "uploads", "results.jsonl")
    rows = _read_events(results)
    return code, rows


def logprob_gap(model: str, rows):
    """(tokens compared, largest difference) between the job's logprob of each generated token and a
    direct forward pass."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from lora_models import resolve_model
    from training.chat_spans import generation_prompt

    resolved = resolve_model(model, None, os.path.join(os.getcwd(), "hf_models"))
    tokenizer = AutoTokenizer.from_pretrained(resolved["base"])
    net = AutoModelForCausalLM.from_pretrained(resolved["base"], dtype=torch.float32)
    if resolved["adapter_path"]:
        from peft import PeftModel

        net = PeftModel.from_pretrained(net, resolved["adapter_path"])
    device = "cuda" if torch.cuda.is_available() else "cpu"
    net = net.to(device).eval()
    compared, worst = 0, 0.0
    for row in rows:
        prompt = tokenizer.encode(generation_prompt(tokenizer, row["messages"], ""), add_special_tokens=False)
        chosen = [min(position, key=lambda e: e["rank"] or 0) for position in row["logprobs"]]
        ids = torch.tensor([prompt + [e["token_id"] for e in chosen]], device=device)
        with torch.no_grad():
            logits = net(ids).logits.float().log_softmax(-1)[0]
        for i, entry in enumerate(chosen):
            direct = logits[len(prompt) - 1 + i, entry["token_id"]].item()
            worst = max(worst, abs(direct - entry["logprob"]))
            compared += 1
    return compared, worst


def serve_checks(check, work: str, model_dir: str, adapter_dir: str, backend: str) -> None:
    """The serving job on `backend` with the trained adapter beside the base model: the key is
    enforced, the adapter answers (the random base may well answer nothing but its end token)
    plain and streamed, and SIGTERM (a canceled job) stops the server and ends it with api_stopped."""
    port = _free_port()
    job_dir = os.path.join(work, f"serve-{backend}")
    params = {"model": model_dir, "backend": backend, "port": port, "api_key": SERVE_KEY, "max_model_len": 256, "startup_timeout_s": 900,
              "lora_adapters": [adapter_dir]}
    if backend == "vllm":
        params["gpu_memory_utilization"] = 0.5
    process = _start_job(job_dir, "serve/serve.py", params)
    try:
        ready = _wait_for_event(os.path.join(job_dir, "events.jsonl"), "api_ready", process, 900)
        check(f"serve ({backend}): api_ready with the served model", ready is not None and {model_dir, adapter_dir} <= set(ready.get("models", [])), str(ready))
        if ready is None:
            return
        base = ready["base_url"]
        body = {"model": adapter_dir, "messages": [{"role": "user", "content": "repeat red cat tree"}], "max_tokens": 5, "temperature": 0}
        check(f"serve ({backend}): a request without the key is refused", _post(f"{base}/chat/completions", body, None)[0] == 401)
        status, answer = _post(f"{base}/chat/completions", body, SERVE_KEY)
        text = json.loads(answer)["choices"][0]["message"]["content"] if status == 200 else None
        check(f"serve ({backend}): the adapter answers a chat completion", bool(text), f"HTTP {status}: {answer[:200]}")
        status, stream = _post(f"{base}/chat/completions", {**body, "stream": True}, SERVE_KEY)
        chunks = [line for line in stream.splitlines() if line.startswith("data: ") and line != "data: [DONE]"]
        streamed = "".join(json.loads(c[6:])["choices"][0]["delta"].get("content") or "" for c in chunks if json.loads(c[6:])["choices"])
        check(f"serve ({backend}): streamed chunks add up to the plain answer", status == 200 and len(chunks) > 1 and streamed == text, f"{len(chunks)} chunks, {streamed!r} vs {text!r}")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
    stopped = [e for e in _read_events(os.path.join(job_dir, "events.jsonl")) if e["type"] == "api_stopped"]
    check(f"serve ({backend}): SIGTERM stops the server and the job", code == 0 and len(stopped) == 1, f"exit {code}, {stopped}")


def _start_job(job_dir: str, script: str, params: dict) -> subprocess.Popen:
    """A job process the way a worker starts one: its own directory holding params.json."""
    os.makedirs(os.path.join(job_dir, "uploads"), exist_ok=True)
    with open(os.path.join(job_dir, "params.json"), "w", encoding="utf-8") as f:
        json.dump(params, f)
    env = {**os.environ, "OPENWEIGHTS_EVENTS": os.path.join(job_dir, "events.jsonl"), "OPENWEIGHTS_UPLOADS": os.path.join(job_dir, "uploads"), "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, os.path.join(ROOT, script)], cwd=job_dir, env=env)


def _wait_for_event(path: str, kind: str, process: subprocess.Popen, timeout_s: float):
    deadline = time.time() + timeout_s
    while time.time() < deadline and process.poll() is None:
        found = [e for e in _read_events(path) if e.get("type") == kind]
        if found:
            return found[0]
        time.sleep(1)
    return None


def _post(url: str, body: dict, key):
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def _write_prompts(path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for words in ("red cat tree", "blue fish stone", "dog river cloud"):
            f.write(json.dumps({"messages": [{"role": "user", "content": f"repeat {words}"}]}) + "\n")


def _read_events(path: str):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
