"""Map per-block weights of a conversation to token positions of its chat-template rendering.

Pure Python: the tokenizer is any object with the Hugging Face methods
  apply_chat_template(messages, tokenize=False, add_generation_prompt=bool) -> str
  encode(text, add_special_tokens=False) -> list[int]
and optionally __call__(text, add_special_tokens=False, return_offsets_mapping=True) -> {"input_ids", "offset_mapping"}
(fast tokenizers), used when present because it is exact and needs one pass.

How a block is found:
 1. Render the whole conversation once with an invisible marker before every block and after each
    message's last block; if removing the markers gives back exactly the plain rendering, the marker
    positions are the blocks' character spans. (Templates that rewrite content, e.g. stripping, can
    break this; then 2.)
 2. Otherwise search each message's text left to right in the plain rendering.
Characters are mapped to tokens with the offsets, or, for slow tokenizers, by encoding the text up to
each boundary and taking the common prefix with the full encoding.

Default weights (a block without "weight"): with train_on_responses_only, 1 for an assistant
message whose rendering is stable when the conversation is cut right after it, else 0; without it, 1.
"Stable" means render(messages[:i+1]) is a prefix of the full rendering. That excludes, e.g., Qwen3's
earlier assistant turns: as the last turn they gain an empty <think></think> scaffold they lack in
history, so training on them would teach the model to answer without thinking. The template's own
text (headers, the think scaffold) never gets weight, except the end-of-turn token after a message,
which inherits the weight of the message's last block so the model learns to stop.
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from training.dataset_files import final_assistant_prefill, plain_messages, to_blocks

MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"  # Unicode private use: never in real text or templates
_MARK = re.compile(MARK_OPEN + r"(\d+)" + MARK_CLOSE)
END_OF_TURN_TOKENS = ("<|im_end|>", "<|eot_id|>", "<end_of_turn>", "<|end|>", "<|endoftext|>", "</s>", "<|end_of_text|>")


class SpanError(ValueError):
    pass


def render(tokenizer, messages: List[dict], add_generation_prompt: bool = False) -> str:
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)


def generation_prompt(tokenizer, messages: List[dict], prefill: str = "") -> str:
    """Prompt text for generation. A final assistant message is a prefill the model continues
    (its text ends the prompt); `prefill` is appended after it."""
    prompt_messages, assistant_prefill = final_assistant_prefill(messages)
    return render(tokenizer, plain_messages(prompt_messages), add_generation_prompt=True) + (assistant_prefill or "") + (prefill or "")


def end_of_turn_ids(tokenizer) -> Set[int]:
    ids = set()
    if getattr(tokenizer, "eos_token_id", None) is not None:
        ids.add(tokenizer.eos_token_id)
    vocab = tokenizer.get_vocab() if hasattr(tokenizer, "get_vocab") else {}
    ids.update(vocab[t] for t in END_OF_TURN_TOKENS if t in vocab)
    return ids


def _plain(blocks_messages: List[dict]) -> List[dict]:
    return [{"role": m["role"], "content": "".join(b["text"] for b in m["blocks"])} for m in blocks_messages]


def _spans_by_markers(tokenizer, blocks_messages: List[dict], full_text: str) -> Optional[List[List[Tuple[int, int]]]]:
    marked, k = [], 0
    for m in blocks_messages:
        parts = []
        for b in m["blocks"]:
            parts.append(f"{MARK_OPEN}{k}{MARK_CLOSE}{b['text']}")
            k += 1
        parts.append(f"{MARK_OPEN}{k}{MARK_CLOSE}")
        k += 1
        marked.append({"role": m["role"], "content": "".join(parts)})
    text = render(tokenizer, marked)
    positions, removed, pieces, last = [], 0, [], 0
    for match in _MARK.finditer(text):
        if int(match.group(1)) != len(positions):
            return None  # a marker was dropped, duplicated or reordered by the template
        pieces.append(text[last:match.start()])
        positions.append(match.start() - removed)
        removed += match.end() - match.start()
        last = match.end()
    pieces.append(text[last:])
    if len(positions) != k or "".join(pieces) != full_text:
        return None
    spans, p = [], 0
    for m in blocks_messages:
        n = len(m["blocks"])
        spans.append([(positions[p + j], positions[p + j + 1]) for j in range(n)])
        p += n + 1
    return spans


def _spans_by_search(blocks_messages: List[dict], full_text: str) -> List[List[Tuple[int, int]]]:
    spans, cursor = [], 0
    for i, m in enumerate(blocks_messages):
        content = "".join(b["text"] for b in m["blocks"])
        start = full_text.find(content, cursor) if content else cursor
        low, high = start, start + len(content)
        if start < 0:
            # templates commonly strip the content; then blocks are clipped to the stripped text
            stripped = content.strip()
            found = full_text.find(stripped, cursor) if stripped else -1
            if found < 0:
                raise SpanError(f"message {i} ({m['role']}) does not appear in the rendered chat template; the template rewrites its content")
            start = found - (len(content) - len(content.lstrip()))
            low, high = found, found + len(stripped)
        message_spans, pos = [], start
        for b in m["blocks"]:
            end = pos + len(b["text"])
            message_spans.append((min(max(pos, low), high), min(max(end, low), high)))
            pos = end
        spans.append(message_spans)
        cursor = high
    return spans


def block_char_spans(tokenizer, blocks_messages: List[dict], full_text: str) -> List[List[Tuple[int, int]]]:
    return _spans_by_markers(tokenizer, blocks_messages, full_text) or _spans_by_search(blocks_messages, full_text)


class CharToToken:
    """Token ids of `text` and a char-boundary -> token-boundary map."""

    def __init__(self, tokenizer, text: str):
        self.tokenizer, self.text, self.offsets = tokenizer, text, None
        try:
            enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
            ids, offsets = list(enc["input_ids"]), [tuple(o) for o in enc["offset_mapping"]]
            if len(ids) == len(offsets):
                self.ids, self.offsets = ids, offsets
        except (TypeError, KeyError, NotImplementedError, ValueError):
            pass
        if self.offsets is None:
            self.ids = list(tokenizer.encode(text, add_special_tokens=False))
        self._cache: Dict[int, int] = {0: 0, len(text): len(self.ids)}

    def boundary(self, char_pos: int) -> int:
        """Index of the first token not entirely before `char_pos`."""
        if char_pos in self._cache:
            return self._cache[char_pos]
        if self.offsets is not None:
            index = next((i for i, (_, end) in enumerate(self.offsets) if end > char_pos), len(self.ids))
        else:
            prefix = self.tokenizer.encode(self.text[:char_pos], add_special_tokens=False)
            index = 0
            while index < min(len(prefix), len(self.ids)) and prefix[index] == self.ids[index]:
                index += 1
        self._cache[char_pos] = index
        return index

    def token_range(self, start: int, end: int) -> Tuple[int, int]:
        if start == end:
            b = self.boundary(start)
            return b, b
        return self.boundary(start), max(self.boundary(start), self.boundary(end))


def stable_assistant_turns(tokenizer, plain_messages: List[dict], full_text: str) -> Set[int]:
    return {i for i, m in enumerate(plain_messages) if m["role"] == "assistant" and full_text.startswith(render(tokenizer, plain_messages[: i + 1]))}


class TokenizedConversation:
    def __init__(self, text, input_ids, weights, block_ranges, blocks_messages):
        self.text = text
        self.input_ids: List[int] = input_ids
        self.weights: List[float] = weights
        self.block_ranges: List[List[Tuple[int, int]]] = block_ranges  # per message, per block: [start, end) token indices
        self.blocks_messages = blocks_messages


def tokenize_conversation(tokenizer, messages: List[dict], train_on_responses_only: bool = True, max_length: Optional[int] = None, eos_ids: Optional[Iterable[int]] = None) -> TokenizedConversation:
    """Token ids and per-token weights of one conversation (messages as in the dataset)."""
    blocks_messages = to_blocks(messages)
    plain = _plain(blocks_messages)
    full_text = render(tokenizer, plain)
    char_spans = block_char_spans(tokenizer, blocks_messages, full_text)
    needs_trust = train_on_responses_only and any(b["weight"] is None for m in blocks_messages if m["role"] == "assistant" for b in m["blocks"])
    stable = stable_assistant_turns(tokenizer, plain, full_text) if needs_trust else set()
    mapper = CharToToken(tokenizer, full_text)
    ids = mapper.ids
    weights = [0.0] * len(ids)
    ranges: List[List[Tuple[int, int]]] = []
    for i, (m, spans) in enumerate(zip(blocks_messages, char_spans)):
        message_ranges = []
        for b, (cs, ce) in zip(m["blocks"], spans):
            if b["weight"] is None:
                b["weight"] = (1.0 if (m["role"] == "assistant" and i in stable) else 0.0) if train_on_responses_only else 1.0
            ts, te = mapper.token_range(cs, ce)
            for t in range(ts, te):
                weights[t] = float(b["weight"])
            message_ranges.append((ts, te))
        ranges.append(message_ranges)
    _end_of_turn_inherits(ids, weights, blocks_messages, ranges, set(eos_ids) if eos_ids is not None else end_of_turn_ids(tokenizer))
    if max_length is not None and len(ids) > max_length:
        ids, weights = ids[:max_length], weights[:max_length]
        ranges = [[(min(s, max_length), min(e, max_length)) for s, e in mr] for mr in ranges]
    return TokenizedConversation(full_text, ids, weights, ranges, blocks_messages)


def _end_of_turn_inherits(ids, weights, blocks_messages, ranges, eos_ids: Set[int]) -> None:
    for i, (m, message_ranges) in enumerate(zip(blocks_messages, ranges)):
        if not message_ranges:
            continue
        after = message_ranges[-1][1]
        limit = next((r[0][0] for r in ranges[i + 1:] if r), len(ids))
        for t in range(after, limit):
            if ids[t] in eos_ids:
                weights[t] = float(m["blocks"][-1]["weight"])
                break


def tokenize_text(tokenizer, text: str, max_length: Optional[int] = None, weight: float = 1.0) -> TokenizedConversation:
    """A {"text": ...} row: the raw text plus EOS, all weighted."""
    ids = list(tokenizer.encode(text, add_special_tokens=False))
    if getattr(tokenizer, "eos_token_id", None) is not None:
        ids.append(tokenizer.eos_token_id)
    if max_length is not None:
        ids = ids[:max_length]
    blocks = [{"role": "text", "blocks": [{"type": "text", "text": text, "weight": weight}]}]
    return TokenizedConversation(text, ids, [weight] * len(ids), [[(0, len(ids))]], blocks)


def tokenize_row(tokenizer, row: dict, train_on_responses_only: bool, max_length: Optional[int], eos_ids: Optional[Sequence[int]] = None) -> TokenizedConversation:
    if "text" in row:
        return tokenize_text(tokenizer, row["text"], max_length)
    return tokenize_conversation(tokenizer, row["messages"], train_on_responses_only, max_length, eos_ids)


def response_delimiters(tokenizer) -> Tuple[str, str]:
    """(instruction_part, response_part) strings for Unsloth's train_on_responses_only, found by
    rendering a two-exchange conversation with marker contents: the text between the first answer
    and the second question (minus the end-of-turn text) is the user header, and the text between
    the first question and its answer (minus the same) is the assistant header. The first exchange
    is used because Qwen3-style templates add a think scaffold to the last turn only."""
    u1, a1, u2, a2 = (f"{MARK_OPEN}{i}{MARK_CLOSE}" for i in range(4))
    text = render(tokenizer, [{"role": "user", "content": u1}, {"role": "assistant", "content": a1}, {"role": "user", "content": u2}, {"role": "assistant", "content": a2}])
    short = render(tokenizer, [{"role": "user", "content": u1}, {"role": "assistant", "content": a1}])
    end_of_turn = short[short.index(a1) + len(a1):]
    user_gap = text[text.index(a1) + len(a1): text.index(u2)]
    assistant_gap = text[text.index(u1) + len(u1): text.index(a1)]

    def strip_end(gap: str) -> str:
        # the end-of-turn text of a one-exchange rendering may carry trailing whitespace or a
        # closing that the middle of a conversation lacks; take its longest shared prefix
        n = 0
        while n < min(len(gap), len(end_of_turn)) and gap[n] == end_of_turn[n]:
            n += 1
        return gap[n:]

    instruction, response = strip_end(user_gap), strip_end(assistant_gap)
    if not instruction or not response:
        raise SpanError("could not find the chat template's user/assistant headers")
    return instruction, response
