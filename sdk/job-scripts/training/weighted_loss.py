"""Token-weighted cross-entropy (features §4.3): sum(w_t * -log p(x_t | x_<t)) / sum(|w_t|).

Weights belong to the token being predicted, so logits at position t-1 pair with weight t.
Negative weights do gradient ascent on their tokens (unlearning). Padding has weight 0.
The pure-Python version states the formula and is what the unit tests check; the torch version
(imported lazily) is what training runs.
"""

from __future__ import annotations

from typing import Optional, Sequence


def weighted_nll(token_logprobs: Sequence[Optional[float]], weights: Sequence[float]) -> float:
    """token_logprobs[t] = log p(token t | tokens before it); index 0 has no prediction (None)."""
    if len(token_logprobs) != len(weights):
        raise ValueError("token_logprobs and weights differ in length")
    total, norm = 0.0, 0.0
    for lp, w in zip(token_logprobs[1:], weights[1:]):
        total += -lp * w
        norm += abs(w)
    return total / norm if norm > 0 else 0.0


def weighted_cross_entropy(logits, input_ids, weights):
    """Torch: logits [B, T, V], input_ids [B, T], weights [B, T] -> scalar loss."""
    import torch.nn.functional as F

    shift_logits = logits[:, :-1, :].float()
    shift_labels = input_ids[:, 1:]
    shift_weights = weights[:, 1:].to(shift_logits.dtype)
    nll = F.cross_entropy(shift_logits.reshape(-1, shift_logits.size(-1)), shift_labels.reshape(-1), reduction="none").view_as(shift_weights)
    return (nll * shift_weights).sum() / shift_weights.abs().sum().clamp_min(1e-8)


def token_logprobs(logits, input_ids):
    """Torch: per-token log p(x_t | x_<t) [B, T-1] for positions 1..T-1."""
    import torch

    logp = torch.log_softmax(logits[:, :-1, :].float(), dim=-1)
    return logp.gather(-1, input_ids[:, 1:].unsqueeze(-1)).squeeze(-1)
