"""Entrypoint of the MMLU-Pro eval job: `python3 evals/mmlu_pro.py` (features §4.6).

Loads TIGER-Lab/MMLU-Pro (or a dataset in its format: a Hub name or a local directory with
test/validation files) with `datasets`, generates greedily with vLLM or transformers (`backend`), scores with
evals/mmlu_pro_core.py. Writes uploads/mmlu_pro/<subject>.json, uploads/mmlu_pro/summary.json and
the global record CSV; emits one `mmlu_pro_subject` event per subject and a final `eval_results`.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from job_entry import run_main, use_scripts_root  # noqa: E402

use_scripts_root(__file__)

import param_checks as pc  # noqa: E402
from param_checks import REQUIRED, Field  # noqa: E402

OUT_DIR = "mmlu_pro"


def _gpu_util(value):
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ValueError("must be a number in (0, 1]") from None
    return pc.number(0, 1, exclusive_min=True)(value)


def _subjects(value):
    if isinstance(value, str):
        return pc.string(value)
    return pc.string_list(value)


FIELDS = {
    "model": Field(REQUIRED, pc.string),
    "ntrain": Field(5, pc.integer(0)),
    "selected_subjects": Field("all", _subjects),
    "global_record_file": Field("eval_record_collection.csv", pc.relative_path),
    "gpu_util": Field(0.9, _gpu_util),
    "max_model_len": Field(4096, pc.integer(64)),
    "max_new_tokens": Field(2048, pc.integer(1)),
    "limit_per_subject": Field(None, pc.optional(pc.integer(1))),
    "dataset": Field("TIGER-Lab/MMLU-Pro", pc.string),
    "use_chat_template": Field(False, pc.boolean),
    # vllm on a GPU; transformers anywhere (inference/engines.py); auto = vllm when it can run
    "backend": Field("auto", pc.one_of("auto", "vllm", "transformers")),
}


def parse(raw: dict):
    config = pc.parse_params(raw, FIELDS)
    if config.max_new_tokens >= config.max_model_len:
        raise pc.ParamError(["max_new_tokens must be < max_model_len"])
    return config


def run(config) -> dict:
    import csv
    import json

    from datasets import load_dataset

    import openweights_job as job
    from evals import mmlu_pro_core as core
    from inference.engines import TransformersEngine, VllmEngine, resolve_backend

    token = os.environ.get("HF_TOKEN") or None
    data = load_dataset(config.dataset, token=token)
    tests = core.by_category(core.preprocess(data["test"]))
    shots = core.by_category(core.preprocess(data["validation"]))
    subjects = core.select_subjects(tests, config.selected_subjects)
    if not subjects:
        raise ValueError(f"no MMLU-Pro subject matches {config.selected_subjects!r}")
    if resolve_backend(config.backend) == "vllm":
        from vllm import LLM

        engine = VllmEngine(LLM(model=config.model, gpu_memory_utilization=config.gpu_util, tensor_parallel_size=job.n_gpus(),
                                max_model_len=config.max_model_len, trust_remote_code=True))
    else:
        engine = TransformersEngine(config.model, token=token)
    tokenizer = engine.get_tokenizer()
    params = {"n": 1, "temperature": 0, "max_tokens": config.max_new_tokens, "stop": ["Question:"], "skip_special_tokens": True, "logprobs": None}
    budget = config.max_model_len - config.max_new_tokens

    def wrap(prompt):
        return tokenizer.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True) if config.use_chat_template else prompt

    per_subject = {}
    for subject in subjects:
        rows = tests[subject][: config.limit_per_subject] if config.limit_per_subject else tests[subject]
        prompts = [wrap(core.fitting_prompt(subject, shots.get(subject, []), row, config.ntrain, lambda p: len(tokenizer.encode(p)), budget)) for row in rows]
        outputs = [o[0].text for o in engine.generate([tokenizer.encode(p, add_special_tokens=False) for p in prompts], params)]
        predictions = [core.extract_answer(text) for text in outputs]
        result = core.score(rows, predictions)
        per_subject[subject] = result
        with open(job.upload_path(f"{OUT_DIR}/{subject.replace(' ', '_')}.json"), "w", encoding="utf-8") as f:
            json.dump([{**row, "pred": pred, "model_outputs": text} for row, pred, text in zip(rows, predictions, outputs)], f, ensure_ascii=False)
        job.emit({"type": "mmlu_pro_subject", "subject": subject, **result})
    summary = core.summarize(per_subject)
    with open(job.upload_path(f"{OUT_DIR}/summary.json"), "w", encoding="utf-8") as f:
        json.dump({"model": config.model, "ntrain": config.ntrain, **summary}, f, indent=2)
    with open(job.upload_path(config.global_record_file), "a", newline="", encoding="utf-8") as f:
        csv.writer(f).writerow(core.record_row(config.model, config.ntrain, summary))
    return job.emit({"type": "eval_results", "benchmark": "mmlu_pro", "model": config.model, "accuracy": summary["accuracy"],
                     "macro_accuracy": summary["macro_accuracy"], "correct": summary["correct"], "total": summary["total"], "path": f"{OUT_DIR}/summary.json"})


def main(raw_params=None) -> int:
    import openweights_job as job

    return run_main(lambda: run(parse(job.params() if raw_params is None else raw_params)))


if __name__ == "__main__":
    sys.exit(main())
