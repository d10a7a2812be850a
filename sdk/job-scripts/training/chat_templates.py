"""Choosing a chat template when the tokenizer has none (pure; the download happens in model_loading).

Base models often ship without a chat template. The original borrowed one from an instruct model
of the same family, chosen by name; if that fails (no network, gated repo) ChatML is used.
"""

from __future__ import annotations

from typing import Optional

# first matching substring of the lowercased model name wins, so longer names come first
FALLBACK_TEMPLATE_SOURCES = (
    ("qwen3.5", "Qwen/Qwen3.5-0.8B"),
    ("qwen3_5", "Qwen/Qwen3.5-0.8B"),
    ("qwen3", "Qwen/Qwen3-0.6B"),
    ("qwen", "Qwen/Qwen2.5-0.5B-Instruct"),
    ("olmo", "allenai/OLMo-2-0425-1B-Instruct"),
    ("llama", "unsloth/Llama-3.2-1B-Instruct"),
)

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def fallback_template_source(model_name: str) -> Optional[str]:
    lowered = model_name.lower()
    return next((repo for key, repo in FALLBACK_TEMPLATE_SOURCES if key in lowered), None)


def template_override(chat_template: str) -> Optional[str]:
    """The `chat_template` param: "default" keeps the tokenizer's; "chatml" selects ChatML;
    anything else is a Jinja template used as is."""
    if chat_template == "default":
        return None
    if chat_template == "chatml":
        return CHATML_TEMPLATE
    return chat_template
