"""GPU smoke check of the training jobs, offline: `npm run gpu-check` (python3 sdk/job-scripts/gpu_check.py).

Needs torch, transformers, peft (and tokenizers, which transformers brings) and a CUDA GPU; no
network. It builds a tiny random Llama and a word-level tokenizer with a ChatML template in a temp
dir, writes small datasets, and drives the real entry functions (training.train.main) on the
transformers + PEFT path:
  1. SFT with a test file, logprob tracking, a sampling callback and checkpoints
  2. a retried SFT run (OPENWEIGHTS_ATTEMPT=2) that must resume from the last checkpoint
  3. token-weighted SFT on block data with positive, zero and negative weights and tags
  4. where Unsloth is installed (the fine-tuning image): LoRA SFT on the Unsloth backend
  5. where vLLM is installed (the inference image): batch inference on the base model and on the
     LoRA adapter of check 1, judged against a float32 forward pass, and the serving job
     (gpu_check_backends.py)
`--require unsloth,vllm` makes a backend that is not installed a failure instead of a notice.
Each check prints PASS or FAIL; the exit status is 1 when any check fails. Hub pushes are not
exercised (they need network).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback

ROOT = os.path.dirname(os.path.abspath(__file__))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

RESULTS = []
WORDS = "red green blue yellow black white cat dog bird fish tree stone river cloud".split()


def check(name: str, ok: bool, detail: str = "") -> bool:
    RESULTS.append(ok)
    print(f"{'PASS' if ok else 'FAIL'} {name}{(' - ' + detail) if detail else ''}", flush=True)
    return ok


def conversations(n: int, seed: int):
    """Prompts of random words; the answer repeats them in reverse, then a fixed phrase: learnable."""
    import random

    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        words = rng.sample(WORDS, 3)
        rows.append({"messages": [{"role": "user", "content": "repeat " + " ".join(words)}, {"role": "assistant", "content": " ".join(reversed(words)) + " . done"}]})
    return rows


def block_conversations(n: int, seed: int):
    rows = []
    for row in conversations(n, seed):
        answer = row["messages"][1]["content"]
        row["messages"][1]["content"] = [
            {"type": "text", "text": answer, "weight": 1.0, "tag": "answer"},
            {"type": "text", "text": " cat cat", "weight": 0.0},
            {"type": "text", "text": " stone", "weight": -0.1, "tag": "unlearn"},
        ]
        rows.append(row)
    return rows


def write_jsonl(path: str, rows) -> str:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    return path


def build_toy_model(directory: str) -> str:
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    from training.chat_templates import CHATML_TEMPLATE

    specials = ["<pad>", "<unk>", "<|im_start|>", "<|im_end|>"]
    words = sorted(set(WORDS) | {"system", "user", "assistant", "repeat", "done", "."})
    vocab = {t: i for i, t in enumerate(specials + words)}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, eos_token="<|im_end|>", pad_token="<pad>", unk_token="<unk>", additional_special_tokens=["<|im_start|>"])
    tokenizer.chat_template = CHATML_TEMPLATE
    torch.manual_seed(0)
    # head_dim 64: vLLM's attention kernels and Unsloth's support a fixed set of head sizes, 16 is not one
    config = LlamaConfig(vocab_size=len(vocab), hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=2,
                         max_position_embeddings=256, pad_token_id=vocab["<pad>"], eos_token_id=vocab["<|im_end|>"], bos_token_id=None, tie_word_embeddings=False)
    LlamaForCausalLM(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def read_events(path: str):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def train_losses(events):
    return [e["loss"] for e in events if e.get("type") == "metrics" and e.get("tag") == "train" and isinstance(e.get("loss"), (int, float))]


def loss_falls(name: str, events) -> None:
    losses = train_losses(events)
    if len(losses) < 6:
        check(f"{name}: loss falls", False, f"only {len(losses)} train losses logged")
        return
    first, last = sum(losses[:3]) / 3, sum(losses[-3:]) / 3
    check(f"{name}: loss falls", last < first * 0.95, f"first steps {first:.3f} -> last steps {last:.3f}")


def run_job(kind: str, params: dict, events_file: str, attempt: int = 1) -> int:
    from training.train import main

    os.environ["OPENWEIGHTS_EVENTS"] = events_file
    os.environ["OPENWEIGHTS_ATTEMPT"] = str(attempt)
    return main(kind, params)


def sft_checks(work: str, model_dir: str) -> None:
    write_jsonl("data/train.jsonl", conversations(64, 1))
    write_jsonl("data/test.jsonl", conversations(8, 2))
    write_jsonl("data/logp.jsonl", conversations(4, 3))
    write_jsonl("data/prompts.jsonl", [{"messages": r["messages"][:1]} for r in conversations(3, 4)])
    params = {
        "model": model_dir, "training_file": "data/train.jsonl", "test_file": "data/test.jsonl", "loss": "sft", "backend": "transformers",
        "push_to_hub": False, "optim": "adamw_torch", "learning_rate": "3e-3", "max_steps": 30, "per_device_train_batch_size": 8,
        "gradient_accumulation_steps": 1, "warmup_steps": 2, "save_steps": 10, "r": 8, "lora_alpha": 16, "max_seq_length": 128,
        "test_file_eval_steps": "log", "logp_callback_datasets": {"heldout": "data/logp.jsonl"}, "eval_every_n_steps": 10,
        "sampling_callbacks": [{"dataset": "data/prompts.jsonl", "eval_steps": 15, "max_tokens": 6, "tag": "samples"}],
    }
    events_file = os.path.join(work, "events-sft.jsonl")
    code = run_job("fine_tuning", params, events_file)
    events = read_events(events_file)
    types = {e["type"] for e in events}
    check("sft: entrypoint exits 0", code == 0, f"exit {code}")
    check("sft: every event has a type", all(isinstance(e.get("type"), str) for e in events), f"{len(events)} events")
    loss_falls("sft", events)
    check("sft: eval metrics on the log schedule", any(e.get("tag") == "eval" and "eval_loss" in e for e in events))
    check("sft: checkpoint events", {e["step"] for e in events if e["type"] == "checkpoint"} >= {10, 20, 30}, str(sorted(e["step"] for e in events if e["type"] == "checkpoint")))
    uploads = os.environ["OPENWEIGHTS_UPLOADS"]
    logp = [e for e in events if e["type"] == "logprobs"]
    logp_files = all(os.path.isfile(os.path.join(uploads, e["path"])) for e in logp)
    check("sft: logprob tracking at steps 0, 10, 20, 30", [e["step"] for e in logp] == [0, 10, 20, 30] and logp_files, str([e.get("step") for e in logp]))
    samples = [e for e in events if e["type"] == "samples"]
    ok = [e["step"] for e in samples] == [0, 15, 30] and all(os.path.isfile(os.path.join(uploads, e["path"])) for e in samples)
    if ok:
        with open(os.path.join(uploads, samples[-1]["path"])) as f:
            ok = all("completion" in json.loads(line) for line in f)
    check("sft: sampling files at steps 0, 15, 30", ok, str([e.get("step") for e in samples]))
    check("sft: adapter saved to uploads/final_model", os.path.isfile(os.path.join(uploads, "final_model", "adapter_config.json")))
    check("sft: training_started and training_finished", {"training_started", "training_finished"} <= types)

    params = {**params, "max_steps": 40, "logp_callback_datasets": {}, "sampling_callbacks": None, "test_file": None}
    events_file = os.path.join(work, "events-resume.jsonl")
    code = run_job("fine_tuning", params, events_file, attempt=2)
    events = read_events(events_file)
    resumed = [e for e in events if e["type"] == "resumed"]
    finished = [e for e in events if e["type"] == "training_finished"]
    check("resume: retried run resumes from checkpoint 30", code == 0 and len(resumed) == 1 and resumed[0]["step"] == 30, str(resumed))
    check("resume: training continues to step 40", bool(finished) and finished[-1]["step"] == 40, str(finished))


def weighted_checks(work: str, model_dir: str) -> None:
    write_jsonl("data/weighted.jsonl", block_conversations(64, 5))
    write_jsonl("data/weighted_logp.jsonl", block_conversations(4, 6))
    params = {
        "model": model_dir, "training_file": "data/weighted.jsonl", "push_to_hub": False, "learning_rate": 3e-3, "max_steps": 30,
        "per_device_train_batch_size": 8, "gradient_accumulation_steps": 1, "warmup_steps": 2, "r": 8, "max_seq_length": 128,
        "logp_callback_datasets": {"blocks": "data/weighted_logp.jsonl"}, "eval_every_n_steps": "log", "output_dir": "./tmp-weighted",
    }
    events_file = os.path.join(work, "events-weighted.jsonl")
    code = run_job("weighted_sft", params, events_file)
    events = read_events(events_file)
    check("weighted: entrypoint exits 0", code == 0, f"exit {code}")
    loss_falls("weighted", events)
    blockwise = [e for e in events if e["type"] == "logprobs_blockwise"]
    check("weighted: blockwise logprobs on the log schedule", [e["step"] for e in blockwise] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30], str([e["step"] for e in blockwise]))
    tagged = [e for e in events if e["type"] == "logprob_block"]
    check("weighted: tagged block events", {e.get("tag") for e in tagged} == {"answer", "unlearn"}, f"{len(tagged)} events")
    first = {e["tag"]: e["logprobs"] for e in tagged if e["step"] == 0 and e["row"] == 0}
    last = {e["tag"]: e["logprobs"] for e in tagged if e["step"] == 30 and e["row"] == 0}
    check("weighted: answer logprob rises", bool(first) and bool(last) and last["answer"] > first["answer"], f"{first} -> {last}")
    check("weighted: eval on the 10% split", any(e.get("tag") == "eval" for e in events))


def backend_checks(work: str, model_dir: str, required: set) -> None:
    import gpu_check_backends as backends

    if backends.installed("unsloth"):
        backends.unsloth_checks(check, run_job, work, model_dir, "data/prompts.jsonl")
    elif "unsloth" in required:
        check("unsloth is installed", False, "pip install -r sdk/job-scripts/requirements/unsloth.txt")
    else:
        print("NOTE unsloth is not installed here: its checks run in the fine-tuning image", flush=True)
    if backends.installed("vllm"):
        backends.vllm_checks(check, work, model_dir, os.path.join(os.environ["OPENWEIGHTS_UPLOADS"], "final_model"))
    elif "vllm" in required:
        check("vllm is installed", False, "pip install -r sdk/job-scripts/requirements/vllm.txt")
    else:
        print("NOTE vllm is not installed here: its checks run in the inference image", flush=True)


def required_backends(argv) -> set:
    import argparse

    parser = argparse.ArgumentParser(description="GPU smoke check of the training, inference and serving jobs")
    parser.add_argument("--require", default="", help="comma-separated backends that must be installed: unsloth,vllm")
    names = {n for n in parser.parse_args(argv).require.split(",") if n}
    unknown = names - {"unsloth", "vllm"}
    if unknown:
        parser.error(f"--require: unknown backend(s) {sorted(unknown)}; choose from unsloth, vllm")
    return names


def main(argv=None) -> int:
    required = required_backends(sys.argv[1:] if argv is None else argv)
    work = tempfile.mkdtemp(prefix="ow-gpu-check-")
    os.chdir(work)
    os.environ["OPENWEIGHTS_UPLOADS"] = os.path.join(work, "uploads")
    os.environ.pop("HF_TOKEN", None)
    os.environ["HF_HUB_OFFLINE"] = "1"
    print(f"gpu-check working in {work}", flush=True)
    try:
        import torch

        if not check("cuda is available", torch.cuda.is_available(), torch.cuda.get_device_name() if torch.cuda.is_available() else "no GPU"):
            return 1
        model_dir = build_toy_model(os.path.join(work, "toy-model"))
        check("toy model and tokenizer built offline", os.path.isfile(os.path.join(model_dir, "config.json")))
        from transformers import AutoTokenizer

        from training.chat_spans import tokenize_conversation

        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        row = conversations(1, 0)[0]["messages"]
        conv = tokenize_conversation(tokenizer, row)
        weighted = tokenizer.convert_ids_to_tokens([t for t, w in zip(conv.input_ids, conv.weights) if w])
        expected = row[1]["content"].split() + ["<|im_end|>"]
        check("spans on a real fast tokenizer weight the answer and its end token only", weighted == expected, f"{weighted} vs {expected}")
        sft_checks(work, model_dir)
        weighted_checks(work, model_dir)
        backend_checks(work, model_dir, required)
    except Exception:
        traceback.print_exc()
        check("gpu-check ran to the end", False, "exception above")
    failed = RESULTS.count(False)
    print(f"gpu-check: {len(RESULTS) - failed} passed, {failed} failed (files in {work})", flush=True)
    return 1 if failed or not RESULTS else 0


if __name__ == "__main__":
    sys.exit(main())
