"""Torch-side helpers used by training and callbacks: batching, log-probabilities, sampling.

torch is imported inside each function so the module imports anywhere.
"""

from __future__ import annotations

from typing import List, Optional

from training.chat_spans import generation_prompt


class WeightedCollator:
    """Right-pads {"input_ids", "weights"} examples into tensors (padding weight 0)."""

    def __init__(self, pad_token_id: int):
        self.pad_token_id = pad_token_id

    def __call__(self, examples):
        import torch

        length = max(len(e["input_ids"]) for e in examples)
        ids = torch.full((len(examples), length), self.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(examples), length), dtype=torch.long)
        weights = torch.zeros((len(examples), length), dtype=torch.float32)
        for i, e in enumerate(examples):
            n = len(e["input_ids"])
            ids[i, :n] = torch.tensor(e["input_ids"], dtype=torch.long)
            mask[i, :n] = 1
            weights[i, :n] = torch.tensor(e["weights"], dtype=torch.float32)
        return {"input_ids": ids, "attention_mask": mask, "weights": weights}


def model_device(model):
    try:
        return next(model.parameters()).device
    except StopIteration:
        import torch

        return torch.device("cpu")


def conversation_logprobs(model, conversations, pad_token_id: int, batch_size: int) -> List[List[Optional[float]]]:
    """For each TokenizedConversation, [None, log p(token 1), ..., log p(token n-1)]."""
    import torch

    from training.weighted_loss import token_logprobs

    was_training = model.training
    model.eval()
    out: List[List[Optional[float]]] = []
    collate = WeightedCollator(pad_token_id)
    try:
        with torch.no_grad():
            for start in range(0, len(conversations), batch_size):
                chunk = conversations[start:start + batch_size]
                batch = collate([{"input_ids": c.input_ids, "weights": c.weights} for c in chunk])
                device = model_device(model)
                logits = model(input_ids=batch["input_ids"].to(device), attention_mask=batch["attention_mask"].to(device)).logits
                lp = token_logprobs(logits, batch["input_ids"].to(device)).cpu().tolist()
                for c, row in zip(chunk, lp):
                    out.append([None] + row[: len(c.input_ids) - 1])
    finally:
        if was_training:
            model.train()
    return out


def generate_completions(model, tokenizer, rows: List[dict], batch_size: int, temperature: float, max_tokens: int, use_cache: bool = True) -> List[str]:
    """Completions for conversation rows with HF generate (left padding, greedy when temperature is 0)."""
    import torch

    was_training, old_side = model.training, tokenizer.padding_side
    model.eval()
    tokenizer.padding_side = "left"
    completions: List[str] = []
    try:
        with torch.no_grad():
            for start in range(0, len(rows), batch_size):
                prompts = [generation_prompt(tokenizer, r["messages"]) for r in rows[start:start + batch_size]]
                enc = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(model_device(model))
                kwargs = {"max_new_tokens": max_tokens, "pad_token_id": tokenizer.pad_token_id, "use_cache": use_cache}
                kwargs.update({"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False})
                # only ids and mask: fast tokenizers may add token_type_ids, which causal LMs reject
                generated = model.generate(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], **kwargs)
                new_tokens = generated[:, enc["input_ids"].shape[1]:]
                completions.extend(tokenizer.batch_decode(new_tokens, skip_special_tokens=True))
    finally:
        tokenizer.padding_side = old_side
        if was_training:
            model.train()
    return completions
