"""Tiny random-weight causal LMs for the ML tests, built on the spot (no Hub): a Llama-family and a
Qwen3-family model, two layers each, with a word-level tokenizer built locally with `tokenizers`
and a chat template of the family's shape (Llama-3 headers / ChatML). Jobs load them by path.

    python tests/tiny_models.py OUT_DIR      -> OUT_DIR/tiny-llama, OUT_DIR/tiny-qwen3

The vocabulary covers every word of the test datasets (tests/ml_data.py), so nothing maps to <unk>
and a model can actually learn the toy tasks in a few dozen steps on CPU.
"""

from __future__ import annotations

import json
import os
import sys

WORDS = ("red green blue yellow black white cat dog bird fish tree stone river cloud "
         "repeat done yes no good bad answer question the is a of what color sky grass "
         "A B C D E F G H I J 0 1 2 3 4 5 6 7 8 9").split()
PUNCT = list(".,:;?!()'\"-")
ROLES = ["system", "user", "assistant"]

LLAMA3_TEMPLATE = (
    "{{ '<|begin_of_text|>' }}"
    "{% for message in messages %}"
    "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] + '<|eot_id|>' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"
)

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

FAMILIES = {
    "tiny-llama": {"specials": ["<pad>", "<unk>", "<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
                   "eos": "<|eot_id|>", "bos": "<|begin_of_text|>", "template": LLAMA3_TEMPLATE},
    "tiny-qwen3": {"specials": ["<pad>", "<unk>", "<|im_start|>", "<|im_end|>"],
                   "eos": "<|im_end|>", "bos": None, "template": CHATML_TEMPLATE},
}


def build_tokenizer(family: dict):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {t: i for i, t in enumerate(family["specials"] + ROLES + WORDS + PUNCT)}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    backend.decoder = decoders.WordPiece(prefix="##")  # joins words with single spaces
    extra = [s for s in family["specials"] if s not in ("<pad>", "<unk>", family["eos"], family["bos"])]
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, eos_token=family["eos"], pad_token="<pad>", unk_token="<unk>",
                                        bos_token=family["bos"], additional_special_tokens=extra)
    tokenizer.chat_template = family["template"]
    return tokenizer, vocab


def build_model(name: str, directory: str) -> str:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM, Qwen3Config, Qwen3ForCausalLM

    family = FAMILIES[name]
    tokenizer, vocab = build_tokenizer(family)
    common = dict(vocab_size=len(vocab), hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                  num_key_value_heads=2, max_position_embeddings=512, pad_token_id=vocab["<pad>"], eos_token_id=vocab[family["eos"]],
                  bos_token_id=vocab[family["bos"]] if family["bos"] else None, tie_word_embeddings=False)
    torch.manual_seed(0)
    if name == "tiny-llama":
        model = LlamaForCausalLM(LlamaConfig(**common))
    else:
        model = Qwen3ForCausalLM(Qwen3Config(head_dim=16, **common))
    model.generation_config.pad_token_id = vocab["<pad>"]
    model.generation_config.eos_token_id = vocab[family["eos"]]
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def build_all(out_dir: str) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    return {name: build_model(name, os.path.join(out_dir, name)) for name in FAMILIES}


if __name__ == "__main__":
    print(json.dumps(build_all(sys.argv[1])))
