"""Entrypoint of the logprob job (features §4.2): `python3 training/logprob_job.py`.

Computes per-block log-probabilities of every conversation of `dataset` under `model` (a Hub id,
an adapter repo, or a local path) and writes them blockwise to uploads/logprobs.jsonl.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from job_entry import run_main, use_scripts_root  # noqa: E402

use_scripts_root(__file__)

import param_checks as pc  # noqa: E402
from param_checks import REQUIRED, Field  # noqa: E402

FIELDS = {
    "model": Field(REQUIRED, pc.string),
    "dataset": Field(REQUIRED, pc.relative_path),
    "batch_size": Field(8, pc.integer(1)),
    "chat_template": Field("default", pc.string),
    "max_seq_length": Field(8196, pc.integer(2)),
    "train_on_responses_only": Field(True, pc.boolean),
}
OUTPUT = "logprobs.jsonl"


def parse(raw: dict):
    return pc.parse_params(raw, FIELDS)


def run(config) -> dict:
    import json

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    import openweights_job as job
    from training.chat_spans import end_of_turn_ids, tokenize_row
    from training.dataset_files import load_dataset
    from training.logprob_rows import block_logprob_rows, mean_weighted_loss
    from training.model_loading import prepare_tokenizer
    from training.torch_ops import conversation_logprobs

    rows = load_dataset(config.dataset, "conversations")
    token = os.environ.get("HF_TOKEN") or None
    dtype = torch.bfloat16 if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else torch.float32
    model = AutoModelForCausalLM.from_pretrained(config.model, token=token, torch_dtype=dtype, device_map="auto" if torch.cuda.is_available() else None)
    tokenizer = prepare_tokenizer(AutoTokenizer.from_pretrained(config.model, token=token), config, token)
    eos_ids = end_of_turn_ids(tokenizer)
    tokenized = [tokenize_row(tokenizer, r, config.train_on_responses_only, config.max_seq_length, eos_ids) for r in rows]
    logps = conversation_logprobs(model, tokenized, tokenizer.pad_token_id, config.batch_size)
    with open(job.upload_path(OUTPUT), "w", encoding="utf-8") as f:
        for conv, lp in zip(tokenized, logps):
            f.write(json.dumps(block_logprob_rows(conv, lp), ensure_ascii=False) + "\n")
    return job.emit({"type": "logprobs", "path": OUTPUT, "rows": len(rows), "loss": mean_weighted_loss(tokenized, logps)})


def main(raw_params=None) -> int:
    import openweights_job as job

    return run_main(lambda: run(parse(job.params() if raw_params is None else raw_params)))


if __name__ == "__main__":
    sys.exit(main())
