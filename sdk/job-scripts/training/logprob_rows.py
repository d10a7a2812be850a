"""Shaping per-token log-probabilities into the result files of logprob tracking (pure).

plain files    [{"messages", "tokens": [{"token", "token_id", "logp"}]}] (weighted tokens only)
blockwise rows {"messages": [{"role", "content": [block + {"logprobs": sum, "range": [start, end]}]}]}
"""

from __future__ import annotations

from typing import List, Optional, Sequence


def block_logprob_rows(conversation, logps: Sequence[Optional[float]]) -> dict:
    """conversation: a TokenizedConversation; logps[t] = log p(token t) (None or absent at t=0)."""
    messages = []
    for m, ranges in zip(conversation.blocks_messages, conversation.block_ranges):
        blocks = []
        for block, (start, end) in zip(m["blocks"], ranges):
            values = [logps[t] for t in range(max(start, 1), min(end, len(logps))) if logps[t] is not None]
            out = dict(block)
            out["logprobs"] = sum(values)
            out["range"] = [start, end]
            blocks.append(out)
        messages.append({"role": m["role"], "content": blocks})
    return {"messages": messages}


def weighted_tokens(conversation, logps: Sequence[Optional[float]], decode) -> List[dict]:
    """The tokens that carry weight, with their log-probability; decode(token_id) -> str."""
    out = []
    for t in range(1, min(len(conversation.input_ids), len(logps))):
        if conversation.weights[t] != 0 and logps[t] is not None:
            out.append({"token": decode(conversation.input_ids[t]), "token_id": conversation.input_ids[t], "logp": logps[t]})
    return out


def mean_weighted_loss(conversations, all_logps) -> float:
    """Average -logp over weighted (non-zero weight) tokens of all conversations."""
    total, count = 0.0, 0
    for conv, logps in zip(conversations, all_logps):
        for t in range(1, min(len(conv.input_ids), len(logps))):
            if conv.weights[t] != 0 and logps[t] is not None:
                total -= logps[t]
                count += 1
    return total / count if count else 0.0


def tagged_block_events(row_index: int, blockwise_row: dict, step: int, source: str) -> List[dict]:
    """One `logprob_block` event per block that has a tag (features §4.1)."""
    events = []
    for mi, m in enumerate(blockwise_row["messages"]):
        for bi, block in enumerate(m["content"]):
            if block.get("tag") is not None:
                event = dict(block)
                event.update({"type": "logprob_block", "step": step, "source": source, "row": row_index, "message": mi, "block": bi})
                events.append(event)
    return events
