"""MMLU-Pro (TIGER-Lab) chain-of-thought evaluation: prompts, answer extraction, scoring. Pure.

Follows the published method of the MMLU-Pro paper/repo: k-shot CoT examples from the validation
split of the same category, up to ten options lettered A-J ("N/A" options dropped), greedy decoding
stopped at "Question:", answer read from "the answer is (X)", then "Answer: X", then the last
standalone letter; a question with no extractable answer gets a seeded random guess.
"""

from __future__ import annotations

import random
import re
from typing import Dict, Iterable, List, Optional

CHOICES = "ABCDEFGHIJ"
GUESS_SEED = 12345
INSTRUCTION = ('The following are multiple choice questions (with answers) about {subject}. Think step by step and then '
               'finish your answer with "the answer is (X)" where X is the correct letter choice.\n\n\n')


def preprocess(rows: Iterable[dict]) -> List[dict]:
    out = []
    for row in rows:
        row = dict(row)
        row["options"] = [o for o in row["options"] if o != "N/A"]
        out.append(row)
    return out


def by_category(rows: Iterable[dict]) -> Dict[str, List[dict]]:
    groups: Dict[str, List[dict]] = {}
    for row in rows:
        groups.setdefault(row["category"], []).append(row)
    return groups


def select_subjects(all_subjects: Iterable[str], selected) -> List[str]:
    """"all", or a comma-separated string / list of (partial, case-insensitive) subject names."""
    subjects = sorted(all_subjects)
    if selected == "all":
        return subjects
    wanted = [s.strip().lower().replace(" ", "_") for s in (selected.split(",") if isinstance(selected, str) else selected) if s.strip()]
    return [s for s in subjects if any(w in s.lower().replace(" ", "_") for w in wanted)]


def format_example(example: dict, including_answer: bool) -> str:
    text = "Question:\n" + example["question"] + "\nOptions:\n"
    text += "".join(f"{CHOICES[i]}. {option}\n" for i, option in enumerate(example["options"]))
    if including_answer:
        cot = example["cot_content"].replace("A: Let's think step by step.", "Answer: Let's think step by step.")
        return text + cot + "\n\n"
    return text + "Answer: Let's think step by step."


def build_prompt(subject: str, shots: List[dict], question: dict, k: int) -> str:
    return INSTRUCTION.format(subject=subject) + "".join(format_example(s, True) for s in shots[:k]) + format_example(question, False)


def fitting_prompt(subject: str, shots: List[dict], question: dict, k: int, count_tokens, token_budget: int) -> str:
    """The prompt with the most shots (<= k) whose length stays under token_budget."""
    while k > 0:
        prompt = build_prompt(subject, shots, question, k)
        if count_tokens(prompt) < token_budget:
            return prompt
        k -= 1
    return build_prompt(subject, shots, question, 0)


def extract_answer(text: str) -> Optional[str]:
    match = re.search(r"answer is \(?([A-J])\)?", text)
    if match:
        return match.group(1)
    match = re.search(r".*[aA]nswer:\s*([A-J])", text)
    if match:
        return match.group(1)
    match = re.search(r"\b[A-J]\b(?!.*\b[A-J]\b)", text, re.DOTALL)
    return match.group(0) if match else None


def score(rows: List[dict], predictions: List[Optional[str]]) -> dict:
    """{"correct", "total", "accuracy", "guessed"}; a None prediction is a seeded random guess."""
    correct = guessed = 0
    for row, pred in zip(rows, predictions):
        if pred is None:
            guessed += 1
            rng = random.Random(GUESS_SEED)
            pred = CHOICES[rng.randint(0, len(row["options"]) - 1)]
        if pred == row["answer"]:
            correct += 1
    total = len(rows)
    return {"correct": correct, "total": total, "accuracy": correct / total if total else 0.0, "guessed": guessed}


def summarize(per_subject: Dict[str, dict]) -> dict:
    correct = sum(s["correct"] for s in per_subject.values())
    total = sum(s["total"] for s in per_subject.values())
    macro = sum(s["accuracy"] for s in per_subject.values()) / len(per_subject) if per_subject else 0.0
    return {"accuracy": correct / total if total else 0.0, "macro_accuracy": macro, "correct": correct, "total": total, "subjects": per_subject}


def record_row(model: str, ntrain: int, summary: dict) -> List[str]:
    """One line of the global record CSV: model, ntrain, overall accuracy, then each subject."""
    return [model, str(ntrain), f"{summary['accuracy']:.4f}"] + [f"{name}:{s['accuracy']:.4f}" for name, s in sorted(summary["subjects"].items())]
