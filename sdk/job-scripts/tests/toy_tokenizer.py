"""A tiny stand-in for a Hugging Face tokenizer with chat templates, for unit tests.

Words carry their leading whitespace (like BPE's "Ġ"), special tokens are single tokens, and ids
are handed out as new strings appear. Templates are written in Python (no Jinja here):
  chatml  <|im_start|>{role}\n{content}<|im_end|>\n
  qwen3   chatml, but the final assistant turn after the last user turn gets an empty
          "<think>\n\n</think>\n\n" scaffold (as Qwen3's real template renders it)
  llama3  <|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>
  strip   chatml with content.strip() (a template that rewrites content)
"""

import re

SPECIALS = ["<|im_start|>", "<|im_end|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|begin_of_text|>", "<think>", "</think>", "<pad>"]
_PIECE = re.compile("|".join(re.escape(s) for s in SPECIALS) + r"|\s*[^\s<]+|\s+|<")


class ToyTokenizer:
    def __init__(self, template: str = "chatml", offsets: bool = True):
        self.template = template
        self.supports_offsets = offsets
        self.vocab = {s: i for i, s in enumerate(SPECIALS)}
        self.eos_token = "<|eot_id|>" if template == "llama3" else "<|im_end|>"
        self.pad_token = "<pad>"
        self.chat_template = template

    @property
    def eos_token_id(self):
        return self.vocab[self.eos_token]

    @property
    def pad_token_id(self):
        return self.vocab[self.pad_token]

    def get_vocab(self):
        return dict(self.vocab)

    def _pieces(self, text):
        return [(m.group(0), m.start(), m.end()) for m in _PIECE.finditer(text)]

    def _id(self, piece):
        if piece not in self.vocab:
            self.vocab[piece] = len(self.vocab)
        return self.vocab[piece]

    def encode(self, text, add_special_tokens=False):
        return [self._id(p) for p, _, _ in self._pieces(text)]

    def __call__(self, text, add_special_tokens=False, return_offsets_mapping=False, **kwargs):
        if return_offsets_mapping and not self.supports_offsets:
            raise NotImplementedError("slow tokenizer: no offsets")
        pieces = self._pieces(text)
        out = {"input_ids": [self._id(p) for p, _, _ in pieces]}
        if return_offsets_mapping:
            out["offset_mapping"] = [(s, e) for _, s, e in pieces]
        return out

    def decode(self, ids):
        inverse = {i: s for s, i in self.vocab.items()}
        return "".join(inverse[i] for i in ids)

    def apply_chat_template(self, messages, tokenize=False, add_generation_prompt=False):
        assert tokenize is False
        if self.template == "llama3":
            text = "<|begin_of_text|>" + "".join(f"<|start_header_id|>{m['role']}<|end_header_id|>\n\n{m['content']}<|eot_id|>" for m in messages)
            return text + ("<|start_header_id|>assistant<|end_header_id|>\n\n" if add_generation_prompt else "")
        last_user = max((i for i, m in enumerate(messages) if m["role"] == "user"), default=-1)
        text = ""
        for i, m in enumerate(messages):
            content = m["content"].strip() if self.template == "strip" else m["content"]
            if self.template == "qwen3" and m["role"] == "assistant" and i > last_user and i == len(messages) - 1:
                content = "<think>\n\n</think>\n\n" + content
            text += f"<|im_start|>{m['role']}\n{content}<|im_end|>\n"
        return text + ("<|im_start|>assistant\n" if add_generation_prompt else "")
