"""Reference computations the ML tests compare the platform's results with, done directly with
transformers (+ PEFT), outside any job:

    python tests/ml_reference.py logprobs MODEL CONVERSATIONS.jsonl
        -> per line {"ids": [...], "logps": [null, ...]}: log p(token t | tokens < t) of the chat
           template's rendering of the conversation, from one plain forward pass
    python tests/ml_reference.py generate MODEL [ADAPTER_DIR|-] PROMPT
        -> {"text": ..., "ids": [...]}: 12 greedy tokens after a one-message chat prompt
    python tests/ml_reference.py count_tokens MODEL CONVERSATIONS.jsonl
        -> {"mean_tokens": ...}: mean length of the rows' chat-template renderings (bench:ml)
"""

from __future__ import annotations

import json
import sys


def load(model_path: str, adapter: str = "-"):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(1)
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForCausalLM.from_pretrained(model_path, dtype=torch.float32)
    if adapter != "-":
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, adapter)
    return model.eval(), tokenizer


def logprobs(model_path: str, data_file: str) -> list:
    import torch

    model, tokenizer = load(model_path)
    out = []
    with open(data_file, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    for row in rows:
        messages = [{"role": m["role"], "content": m["content"] if isinstance(m["content"], str) else "".join(b["text"] for b in m["content"])}
                    for m in row["messages"]]
        text = tokenizer.apply_chat_template(messages, tokenize=False)
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        with torch.no_grad():
            logits = model(torch.tensor([ids])).logits[0].float().log_softmax(-1)
        logps = [None] + [float(logits[t - 1, ids[t]]) for t in range(1, len(ids))]
        out.append({"ids": ids, "logps": logps})
    return out


def generate(model_path: str, adapter: str, prompt: str) -> dict:
    import torch

    model, tokenizer = load(model_path, adapter)
    text = tokenizer.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True)
    ids = torch.tensor([tokenizer(text, add_special_tokens=False)["input_ids"]])
    with torch.no_grad():
        new = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=12, min_new_tokens=12, do_sample=False,
                             pad_token_id=tokenizer.pad_token_id)[0, ids.shape[1]:].tolist()
    return {"text": tokenizer.decode(new, skip_special_tokens=True), "ids": new}


def count_tokens(model_path: str, data_file: str) -> dict:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_path)
    with open(data_file, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    lengths = [len(tokenizer(tokenizer.apply_chat_template(r["messages"], tokenize=False), add_special_tokens=False)["input_ids"]) for r in rows]
    return {"mean_tokens": sum(lengths) / len(lengths)}


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    result = {"logprobs": logprobs, "generate": generate, "count_tokens": count_tokens}[command](*args)
    print(json.dumps(result))
