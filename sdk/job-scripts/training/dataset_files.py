"""Reading and validating the JSONL datasets the training jobs consume. Stdlib only.

The rules are the contract's (supabase/functions/_shared/contract/datasets.ts), restated here
because the job runs without Node; test_dataset_fixtures.py holds this reader to the same fixture
files and outcomes as the TypeScript validator (tests/fixtures/datasets/cases.json).

conversations: one JSON object per line, either {"messages": [...]} (non-empty) or {"text": "..."}
  (non-empty). A message is {"role": "system"|"user"|"assistant", "content": str | [block, ...]
  (non-empty)} with an optional numeric "weight". A block is {"type": "text", "text": str,
  "weight"?: number (may be negative), "tag"?: str, ...extra keys kept}.
preference: {"prompt": [messages], "chosen": [messages], "rejected": [messages]} per line.
Blank lines before the first row or after the last are ignored; one between rows is an error, as
is invalid UTF-8 and a file without rows. Errors name the line.
"""

from __future__ import annotations

import json
import math
import random
from typing import Any, Dict, List, Optional, Tuple

ROLES = ("system", "user", "assistant")
MAX_REPORTED_PROBLEMS = 20


class DatasetError(ValueError):
    def __init__(self, path: str, problems: List[str]):
        self.path = path
        self.problems = problems
        shown = problems[:MAX_REPORTED_PROBLEMS]
        more = f" (and {len(problems) - len(shown)} more)" if len(problems) > len(shown) else ""
        super().__init__(f"{path}: " + "; ".join(shown) + more)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def message_problems(messages: Any, where: str = "messages") -> List[str]:
    if not isinstance(messages, list) or not messages:
        return [f"{where} must be a non-empty list"]
    problems = []
    for i, m in enumerate(messages):
        at = f"{where}[{i}]"
        if not isinstance(m, dict):
            problems.append(f"{at} must be an object")
            continue
        if m.get("role") not in ROLES:
            problems.append(f"{at}.role must be one of {', '.join(ROLES)}")
        if "weight" in m and not _is_number(m["weight"]):
            problems.append(f"{at}.weight must be a number")
        content = m.get("content")
        if isinstance(content, str):
            continue
        if not isinstance(content, list) or not content:
            problems.append(f"{at}.content must be a string or a non-empty list of blocks")
            continue
        for j, block in enumerate(content):
            if not isinstance(block, dict) or not isinstance(block.get("text"), str):
                problems.append(f"{at}.content[{j}] must be an object with a string 'text'")
            elif "weight" in block and not _is_number(block["weight"]):
                problems.append(f"{at}.content[{j}].weight must be a number")
    return problems


def conversation_problems(row: Any) -> List[str]:
    if not isinstance(row, dict):
        return ["must be a JSON object"]
    if "messages" in row and "text" in row:
        return ["must have 'messages' or 'text', not both"]
    if "text" in row:
        return [] if isinstance(row["text"], str) and row["text"] else ["'text' must be a non-empty string"]
    if "messages" not in row:
        return ["must have 'messages' (or 'text')"]
    return message_problems(row["messages"])


def preference_problems(row: Any) -> List[str]:
    if not isinstance(row, dict):
        return ["must be a JSON object"]
    problems = []
    for key in ("prompt", "chosen", "rejected"):
        if key not in row:
            problems.append(f"missing '{key}'")
        else:
            problems.extend(message_problems(row[key], key))
    return problems


def read_jsonl(path: str) -> Tuple[List[Tuple[int, Any]], List[str]]:
    """(line number, parsed row) of every non-blank line, and the problems of the file's lines."""
    rows: List[Tuple[int, Any]] = []
    problems: List[str] = []
    blank_run: List[int] = []
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline that ends the last line does not start another
    seen_row = False
    for line_no, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError:
            line = None
        if line is not None and not line.strip():
            if seen_row:
                blank_run.append(line_no)
            continue
        problems.extend(f"line {n}: blank line between rows" for n in blank_run)
        blank_run = []
        seen_row = True
        if line is None:
            problems.append(f"line {line_no}: not valid UTF-8")
            continue
        try:
            rows.append((line_no, json.loads(line)))
        except json.JSONDecodeError as e:
            problems.append(f"line {line_no}: not valid JSON ({e.msg})")
    return rows, problems


def load_dataset(path: str, kind: str) -> List[dict]:
    """Rows of a `conversations` or `preference` file, or DatasetError listing every bad line."""
    check = {"conversations": conversation_problems, "preference": preference_problems}[kind]
    rows, problems = read_jsonl(path)
    for line_no, row in rows:
        problems.extend(f"line {line_no}: {p}" for p in check(row))
    if not rows and not problems:
        problems.append("line 1: the file has no rows")
    if problems:
        problems.sort(key=lambda p: int(p.split(":", 1)[0].split()[1]))
        raise DatasetError(path, problems)
    return [row for _, row in rows]


def is_block_format(rows: List[dict]) -> bool:
    return any(isinstance(m.get("content"), list) for row in rows for m in row.get("messages", []))


def message_text(message: dict) -> str:
    content = message.get("content")
    return content if isinstance(content, str) else "".join(b["text"] for b in content)


def plain_messages(messages: List[dict]) -> List[dict]:
    """Messages with string content (what a chat template expects)."""
    return [{"role": m["role"], "content": message_text(m)} for m in messages]


def to_blocks(messages: List[dict]) -> List[dict]:
    """Each message as {"role", "blocks": [{"text", "weight", ...}]}.

    A block's weight is its own "weight", else the message's "weight", else None, which means
    "apply the default rule" (chat_spans decides: responses only, or everything)."""
    out = []
    for m in messages:
        content = m["content"]
        message_weight = m.get("weight")
        if isinstance(content, str):
            blocks = [{"type": "text", "text": content, "weight": message_weight}]
        else:
            blocks = []
            for b in content:
                block = dict(b)
                block["weight"] = b["weight"] if "weight" in b else message_weight
                blocks.append(block)
        out.append({"role": m["role"], "blocks": blocks})
    return out


def split_off_test(rows: List[Any], fraction: float = 0.1, seed: int = 3407) -> Tuple[List[Any], List[Any]]:
    """Deterministic (train, test) split; test gets round(fraction*n) rows, at least 1 when n >= 2."""
    if len(rows) < 2:
        return list(rows), []
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    n_test = max(1, int(round(len(rows) * fraction)))
    test_idx = set(order[:n_test])
    return [r for i, r in enumerate(rows) if i not in test_idx], [r for i, r in enumerate(rows) if i in test_idx]


def final_assistant_prefill(messages: List[dict]) -> Tuple[List[dict], Optional[str]]:
    """Split a conversation ending in an assistant message into (prompt messages, prefill)."""
    if messages and messages[-1].get("role") == "assistant":
        return messages[:-1], message_text(messages[-1])
    return messages, None


def row_with(row: dict, **extra: Any) -> Dict[str, Any]:
    out = dict(row)
    out.update(extra)
    return out
