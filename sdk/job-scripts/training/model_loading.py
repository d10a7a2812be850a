"""Loading the model and tokenizer: Unsloth when available, else transformers + PEFT.

Everything heavy is imported inside functions so this module imports without torch.
"""

from __future__ import annotations

import importlib.util
import os
from types import SimpleNamespace

from training.chat_templates import CHATML_TEMPLATE, fallback_template_source, template_override
from training.params import wants_4bit


def resolve_backend(config: SimpleNamespace) -> str:
    """"auto" picks Unsloth when it is installed, a GPU is present and LoRA is on."""
    if config.backend != "auto":
        return config.backend
    if not config.is_peft or importlib.util.find_spec("unsloth") is None:
        return "transformers"
    import torch

    return "unsloth" if torch.cuda.is_available() else "transformers"


def _compute_dtype():
    import torch

    return torch.bfloat16 if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else torch.float16 if torch.cuda.is_available() else torch.float32


def prepare_tokenizer(tokenizer, config: SimpleNamespace, hf_token=None):
    tokenizer = getattr(tokenizer, "tokenizer", tokenizer)  # a processor wraps its tokenizer
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    override = template_override(config.chat_template)
    if override is not None:
        tokenizer.chat_template = override
    elif not getattr(tokenizer, "chat_template", None):
        tokenizer.chat_template = _borrowed_template(config.model, hf_token) or CHATML_TEMPLATE
    return tokenizer


def _borrowed_template(model_name: str, hf_token):
    source = fallback_template_source(model_name)
    if source is None:
        return None
    try:
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(source, token=hf_token).chat_template
    except Exception as e:  # offline or gated: ChatML is the fallback
        print(f"could not borrow a chat template from {source}: {e}", flush=True)
        return None


def load_model_and_tokenizer(config: SimpleNamespace, backend: str, hf_token=None):
    if backend == "unsloth":
        return _load_unsloth(config, hf_token)
    return _load_transformers(config, hf_token)


def _load_unsloth(config, hf_token):
    from unsloth import FastLanguageModel

    model, tokenizer = FastLanguageModel.from_pretrained(config.model, max_seq_length=config.max_seq_length, load_in_4bit=wants_4bit(config), dtype=None, token=hf_token)
    tokenizer = prepare_tokenizer(tokenizer, config, hf_token)
    model = FastLanguageModel.get_peft_model(
        model, r=config.r, target_modules=config.target_modules, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
        bias=config.lora_bias, use_gradient_checkpointing="unsloth", random_state=config.seed, use_rslora=config.use_rslora, loftq_config=None,
    )
    _no_cache(model)
    return model, tokenizer


def _load_transformers(config, hf_token):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    kwargs = {"token": hf_token, "torch_dtype": _compute_dtype()}
    if wants_4bit(config) and "bnb-4bit" not in config.model.lower():
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True, bnb_4bit_compute_dtype=_compute_dtype())
    if torch.cuda.is_available():
        kwargs["device_map"] = {"": torch.cuda.current_device()}
    model = AutoModelForCausalLM.from_pretrained(config.model, **kwargs)
    tokenizer = prepare_tokenizer(AutoTokenizer.from_pretrained(config.model, token=hf_token), config, hf_token)
    if config.is_peft:
        from peft import LoraConfig, get_peft_model

        if wants_4bit(config):
            from peft import prepare_model_for_kbit_training

            model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=True)
        from transformers import set_seed

        lora = LoraConfig(r=config.r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout, bias=config.lora_bias, target_modules=config.target_modules,
                          use_rslora=config.use_rslora, task_type="CAUSAL_LM")
        # The adapter's random init follows the job's seed (Unsloth's random_state does the same);
        # the Trainer seeds only later, so without this two runs of one job started differently.
        set_seed(config.seed)
        model = get_peft_model(model, lora)
        model.print_trainable_parameters()
    # gradient checkpointing needs inputs that require grad when the embeddings are frozen
    if hasattr(model, "enable_input_require_grads"):
        model.enable_input_require_grads()
    _no_cache(model)
    return model, tokenizer


def _no_cache(model):
    """KV cache is useless in training and breaks with gradient checkpointing (original PR #65/#68)."""
    config = getattr(model, "config", None)
    if config is not None:
        config.use_cache = False
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
