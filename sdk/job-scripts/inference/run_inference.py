"""Entrypoint of the batch-inference job: `python3 inference/run_inference.py`.

Reads the conversations in `input_file`, generates with vLLM or transformers (`backend`) and writes uploads/results.jsonl
(each input row + `completion` + `logprobs`), then emits {"type": "result", "path": "results.jsonl"}.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from job_entry import run_main, use_scripts_root  # noqa: E402

use_scripts_root(__file__)

LLM_ATTEMPTS, LLM_PAUSE_S = 6, 10  # GPU memory of a previous job can take a moment to be freed


def build_engine(config, resolved, n_gpus: int, token=None):
    """The generation engine of `config.backend`; everything else in this job is backend-neutral."""
    from inference.engines import TransformersEngine, VllmEngine, resolve_backend

    if resolve_backend(config.backend) == "transformers":
        return TransformersEngine(resolved["base"], resolved["adapter_path"], token)
    return VllmEngine(build_llm(config, resolved, n_gpus), _lora_request(resolved))


def _lora_request(resolved):
    if not resolved["adapter_path"]:
        return None
    from vllm.lora.request import LoRARequest

    return LoRARequest("adapter", 1, resolved["adapter_path"])


def build_llm(config, resolved, n_gpus: int):
    import time

    from vllm import LLM

    from inference.params import tensor_parallel_size
    from lora_models import vllm_lora_rank

    kwargs = {
        "model": resolved["base"], "enable_prefix_caching": True, "tensor_parallel_size": tensor_parallel_size(config, n_gpus),
        "max_num_seqs": config.max_num_seqs, "gpu_memory_utilization": config.gpu_memory_utilization, "max_model_len": config.max_model_len,
    }
    if config.quantization:
        kwargs["quantization"] = config.quantization
    if config.load_format:
        kwargs["load_format"] = config.load_format
    if resolved["adapter_path"]:
        kwargs.update(enable_lora=True, max_lora_rank=vllm_lora_rank(resolved["rank"]), max_loras=1)
    for attempt in range(1, LLM_ATTEMPTS + 1):
        try:
            return LLM(**kwargs)
        except Exception as e:
            if attempt == LLM_ATTEMPTS or "memory" not in str(e).lower():
                raise
            print(f"vLLM start failed ({e}); retrying in {LLM_PAUSE_S}s", flush=True)
            time.sleep(LLM_PAUSE_S)


def run(config) -> dict:
    import json

    import openweights_job as job
    from inference.engines import resolve_backend
    from inference.params import OUTPUT, result_row, sampling_kwargs
    from lora_models import resolve_model
    from training.chat_spans import generation_prompt
    from training.chat_templates import template_override
    from training.dataset_files import load_dataset

    for warning in config.warnings:
        job.emit({"type": "warning", "message": warning})
    rows = load_dataset(config.input_file, "conversations")
    if any("messages" not in r for r in rows):
        raise ValueError("inference input rows need 'messages'")
    token = os.environ.get("HF_TOKEN") or None
    resolved = resolve_model(config.model, token, os.environ.get("OPENWEIGHTS_MODEL_CACHE", "/workspace/hf_models"))
    engine = build_engine(config, resolved, job.n_gpus(), token)
    tokenizer = engine.get_tokenizer()
    override = template_override(config.chat_template)
    if override is not None:
        tokenizer.chat_template = override
    # tokenise ourselves: the template already holds BOS, and vLLM would add a second one to text prompts
    prompts = [tokenizer.encode(generation_prompt(tokenizer, r["messages"], config.prefill), add_special_tokens=False) for r in rows]
    outputs = engine.generate(prompts, sampling_kwargs(config, tokenizer.eos_token))
    completions = 0
    with open(job.upload_path(OUTPUT), "w", encoding="utf-8") as f:
        for row, out in zip(rows, outputs):
            f.write(json.dumps(result_row(row, out, config.n_completions_per_prompt), ensure_ascii=False) + "\n")
            completions += len(out)
    return job.emit({"type": "result", "path": OUTPUT, "rows": len(rows), "completions": completions, "model": config.model,
                     "backend": resolve_backend(config.backend)})


def main(raw_params=None) -> int:
    import openweights_job as job
    from inference.params import parse_inference_params

    return run_main(lambda: run(parse_inference_params(job.params() if raw_params is None else raw_params)))


if __name__ == "__main__":
    sys.exit(main())
