"""Generation engines shared by batch inference, serving and MMLU-Pro: vLLM on a GPU, plain
transformers (+ PEFT adapters) anywhere, CPU included. Everything around the generation call
(params, prompts, result rows, events) is shared; only `generate` differs.

`generate(prompt_token_ids, sampling)` takes vLLM's SamplingParams kwargs (inference/params.py
`sampling_kwargs`) and returns, per prompt, a list of completions with vLLM's output shape:
`.text`, `.token_ids`, `.logprobs` (None, or per position {token_id: (.logprob, .rank, .decoded_token)}).
"""

from __future__ import annotations

import importlib.util
from types import SimpleNamespace
from typing import List, Optional

BACKENDS = ("auto", "vllm", "transformers")


def resolve_backend(requested: str) -> str:
    """auto = vLLM when it is installed and a GPU is present (vLLM has no CPU wheel), else transformers."""
    if requested != "auto":
        return requested
    if importlib.util.find_spec("vllm") is None:
        return "transformers"
    import torch

    return "vllm" if torch.cuda.is_available() else "transformers"


class TransformersEngine:
    """transformers' generate, one prompt at a time (n completions via num_return_sequences)."""

    def __init__(self, base: str, adapter_path: Optional[str] = None, token=None, adapters: Optional[dict] = None):
        """`adapter_path`: the adapter every generate call uses; `adapters`: name -> path, chosen per call."""
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        dtype = torch.bfloat16 if self.device == "cuda" else torch.float32
        self.tokenizer = AutoTokenizer.from_pretrained(base, token=token)
        model = AutoModelForCausalLM.from_pretrained(base, dtype=dtype, token=token)
        named = {**(adapters or {}), **({"default": adapter_path} if adapter_path else {})}
        if named:
            from peft import PeftModel

            (first, first_path), *rest = named.items()
            model = PeftModel.from_pretrained(model, first_path, adapter_name=first)
            for name, path in rest:
                model.load_adapter(path, adapter_name=name)
        self.has_adapters = bool(named)
        self.default_adapter = "default" if adapter_path else None
        self.model = model.to(self.device).eval()

    def get_tokenizer(self):
        return self.tokenizer

    def generate(self, prompts: List[List[int]], sampling: dict) -> List[List[SimpleNamespace]]:
        return self.generate_with_adapter(self.default_adapter, prompts, sampling)

    def generate_with_adapter(self, adapter: Optional[str], prompts: List[List[int]], sampling: dict) -> List[List[SimpleNamespace]]:
        """`adapter` None = the base model (adapters switched off)."""
        if self.has_adapters and adapter is None:
            with self.model.disable_adapter():
                return [self._one(ids, sampling) for ids in prompts]
        if self.has_adapters:
            self.model.set_adapter(adapter)
        return [self._one(ids, sampling) for ids in prompts]

    def _one(self, prompt_ids: List[int], sampling: dict) -> List[SimpleNamespace]:
        import torch

        if sampling.get("seed") is not None:
            torch.manual_seed(sampling["seed"])
        greedy = sampling.get("temperature", 1.0) == 0
        n = sampling.get("n", 1)
        eos = self.tokenizer.eos_token_id
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else eos
        kwargs = {"max_new_tokens": sampling.get("max_tokens", 16), "min_new_tokens": sampling.get("min_tokens", 0) or 0,
                  "num_return_sequences": n, "pad_token_id": pad, "eos_token_id": eos, "output_scores": True,
                  "output_logits": True, "return_dict_in_generate": True, "do_sample": not greedy}
        if not greedy:
            kwargs.update(temperature=sampling["temperature"], top_p=sampling.get("top_p", 1.0), top_k=0)
        inputs = torch.tensor([prompt_ids], device=self.device)
        with torch.no_grad():
            out = self.model.generate(input_ids=inputs, attention_mask=torch.ones_like(inputs), **kwargs)
        new_tokens = out.sequences[:, inputs.shape[1]:]
        # raw next-token distributions (scores are after temperature/top-p; logits are not)
        steps = torch.stack(out.logits if out.logits is not None else out.scores, dim=1).float().log_softmax(-1)
        return [self._completion(new_tokens[i].tolist(), steps[i], sampling, eos, pad) for i in range(n)]

    def _completion(self, tokens: List[int], step_logprobs, sampling: dict, eos, pad) -> SimpleNamespace:
        end = next((i for i, t in enumerate(tokens) if t == eos), len(tokens))
        kept = [t for t in tokens[:end] if t != pad]
        text = self.tokenizer.decode(kept, skip_special_tokens=sampling.get("skip_special_tokens", True))
        for stop in sampling.get("stop") or []:
            if stop and stop in text:
                text = text[: text.index(stop)]
        wanted = sampling.get("logprobs")
        logprobs = None if wanted is None else [self._position(step_logprobs[i], kept[i], wanted) for i in range(len(kept))]
        return SimpleNamespace(text=text, token_ids=kept, logprobs=logprobs)

    def _position(self, row, chosen: int, k: int) -> dict:
        """vLLM's shape: the chosen token plus the k most likely, each with its rank (1 = best)."""
        order = row.argsort(descending=True)
        ranks = {int(t): r + 1 for r, t in enumerate(order[: max(k, 1)].tolist())}
        chosen_rank = ranks.get(chosen) or int((row > row[chosen]).sum().item()) + 1
        picked = {chosen: chosen_rank, **{t: r for t, r in ranks.items() if r <= k}}
        return {t: SimpleNamespace(logprob=float(row[t]), rank=r, decoded_token=self.tokenizer.decode([t])) for t, r in picked.items()}


class VllmEngine:
    def __init__(self, llm, lora_request=None):
        self.llm, self.lora = llm, lora_request

    def get_tokenizer(self):
        return self.llm.get_tokenizer()

    def generate(self, prompts: List[List[int]], sampling: dict):
        from vllm import SamplingParams

        outputs = self.llm.generate([{"prompt_token_ids": p} for p in prompts], SamplingParams(**sampling), lora_request=self.lora)
        return [o.outputs for o in outputs]
