"""Building the trainer for each loss. TRL/transformers are imported inside functions.

- weighted (weighted_sft, and SFT on the transformers backend): a transformers Trainer whose loss
  is training.weighted_loss; SFT uses 0/1 weights (responses only or everything), so the loss is
  the usual mean token cross-entropy. No packing on this path.
- sft on Unsloth: TRL SFTTrainer on rendered text (+ Unsloth's train_on_responses_only).
- dpo / orpo: TRL DPOTrainer / ORPOTrainer on (prompt, chosen, rejected) strings.
TRL renames arguments between versions, so config kwargs are filtered to what the installed
version accepts (with known renames mapped), and what was dropped is printed.
"""

from __future__ import annotations

import dataclasses
import inspect
from types import SimpleNamespace
from typing import Dict, List

from training.chat_spans import render, response_delimiters
from training.dataset_files import message_text, plain_messages
from training.params import trainer_optim

RENAMES = {"eval_strategy": "evaluation_strategy", "max_length": "max_seq_length", "max_seq_length": "max_length"}


def accepted_kwargs(cls, kwargs: Dict) -> Dict:
    """kwargs the class (a dataclass config or a callable) accepts, trying known renames."""
    if dataclasses.is_dataclass(cls):
        names = {f.name for f in dataclasses.fields(cls)}
    else:
        names = set(inspect.signature(cls).parameters)
    out, dropped = {}, []
    for key, value in kwargs.items():
        if key in names:
            out[key] = value
        elif RENAMES.get(key) in names and RENAMES[key] not in kwargs:
            out[RENAMES[key]] = value
        else:
            dropped.append(key)
    if dropped:
        print(f"{cls.__name__} does not accept {dropped}; ignored", flush=True)
    return out


def training_arguments(config: SimpleNamespace, has_eval: bool) -> Dict:
    import torch

    bf16 = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    if not has_eval or config.test_file_eval_strategy == "no":
        strategy, eval_steps = "no", None
    elif config.test_file_eval_steps is None:
        strategy, eval_steps = config.test_file_eval_strategy, None
    elif config.test_file_eval_steps == "log":
        strategy, eval_steps = "no", None  # EvalScheduleCallback triggers evaluation on log steps
    else:
        strategy, eval_steps = "steps", config.test_file_eval_steps
    return {
        "output_dir": config.output_dir,
        "per_device_train_batch_size": config.per_device_train_batch_size,
        "per_device_eval_batch_size": config.eval_batch_size,
        "gradient_accumulation_steps": config.gradient_accumulation_steps,
        "warmup_steps": config.warmup_steps,
        "learning_rate": config.learning_rate,
        "num_train_epochs": config.epochs,
        "max_steps": config.max_steps or -1,
        "logging_steps": config.logging_steps,
        "optim": trainer_optim(config),
        "weight_decay": config.weight_decay,
        "lr_scheduler_type": config.lr_scheduler_type,
        "seed": config.seed,
        "save_strategy": "steps",
        "save_steps": config.save_steps,
        "eval_strategy": strategy,
        "eval_steps": eval_steps,
        "bf16": bf16,
        "fp16": torch.cuda.is_available() and not bf16,
        "report_to": "none",
        "remove_unused_columns": False,
    }


def build_weighted_trainer(model, tokenizer, config, train_examples: List[dict], eval_examples: List[dict], callbacks):
    """train/eval examples: {"input_ids": [...], "weights": [...]}."""
    import torch
    from transformers import Trainer, TrainingArguments

    from training.torch_ops import WeightedCollator
    from training.weighted_loss import weighted_cross_entropy

    class WeightedLossTrainer(Trainer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # our loss is already a per-batch mean; let Trainer divide by accumulation steps
            self.model_accepts_loss_kwargs = False

        def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
            outputs = model(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"])
            loss = weighted_cross_entropy(outputs.logits, inputs["input_ids"], inputs["weights"])
            return (loss, outputs) if return_outputs else loss

        def prediction_step(self, model, inputs, prediction_loss_only, ignore_keys=None):
            inputs = self._prepare_inputs(inputs)
            with torch.no_grad():
                loss = self.compute_loss(model, inputs)
            return loss.detach(), None, None

    checkpointing = {"gradient_checkpointing": True, "gradient_checkpointing_kwargs": {"use_reentrant": False}}
    args = TrainingArguments(**accepted_kwargs(TrainingArguments, {**training_arguments(config, bool(eval_examples)), **checkpointing}))
    return WeightedLossTrainer(model=model, args=args, train_dataset=train_examples, eval_dataset=eval_examples or None, data_collator=WeightedCollator(tokenizer.pad_token_id), callbacks=callbacks)


def _with_tokenizer(trainer_cls, kwargs: Dict, tokenizer) -> Dict:
    params = inspect.signature(trainer_cls.__init__).parameters
    kwargs["processing_class" if "processing_class" in params else "tokenizer"] = tokenizer
    return kwargs


def _sft_text(tokenizer, row: dict) -> str:
    text = row["text"] if "text" in row else render(tokenizer, plain_messages(row["messages"]))
    eos = tokenizer.eos_token or ""
    return text if not eos or text.rstrip().endswith(eos) else text + eos


def build_unsloth_sft_trainer(model, tokenizer, config, train_rows, eval_rows, callbacks):
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    def to_ds(rows):
        return Dataset.from_list([{"text": _sft_text(tokenizer, r)} for r in rows]) if rows else None

    sft_args = {**training_arguments(config, bool(eval_rows)), "dataset_text_field": "text", "max_seq_length": config.max_seq_length, "packing": config.packing, "dataset_num_proc": 2}
    args = SFTConfig(**accepted_kwargs(SFTConfig, sft_args))
    trainer = SFTTrainer(**_with_tokenizer(SFTTrainer, {"model": model, "train_dataset": to_ds(train_rows), "eval_dataset": to_ds(eval_rows), "args": args, "callbacks": callbacks}, tokenizer))
    if config.train_on_responses_only and any("messages" in r for r in train_rows):
        from unsloth.chat_templates import train_on_responses_only

        instruction, response = response_delimiters(tokenizer)
        trainer = train_on_responses_only(trainer, instruction_part=instruction, response_part=response)
    return trainer


def preference_strings(tokenizer, row: dict) -> Dict[str, str]:
    """(prompt, chosen, rejected) as text: the prompt with the generation header; each answer is
    the rendering of prompt+answer minus the prompt part, else the answer's content + EOS."""
    prompt_messages = plain_messages(row["prompt"])
    prompt = render(tokenizer, prompt_messages, add_generation_prompt=True)

    def answer(messages):
        full = render(tokenizer, prompt_messages + plain_messages(messages))
        if full.startswith(prompt):
            return full[len(prompt):]
        return "".join(message_text(m) for m in messages) + (tokenizer.eos_token or "")

    return {"prompt": prompt, "chosen": answer(row["chosen"]), "rejected": answer(row["rejected"])}


def build_preference_trainer(model, tokenizer, config, train_rows, eval_rows, callbacks, backend: str):
    from datasets import Dataset

    if config.loss == "dpo":
        if backend == "unsloth":
            from unsloth import PatchDPOTrainer

            PatchDPOTrainer()
        from trl import DPOConfig as Config, DPOTrainer as TrainerCls
    else:
        try:
            from trl import ORPOConfig as Config, ORPOTrainer as TrainerCls
        except ImportError:  # newer TRL moved ORPO out of the top-level package
            from trl.experimental.orpo import ORPOConfig as Config, ORPOTrainer as TrainerCls

    def to_ds(rows):
        return Dataset.from_list([preference_strings(tokenizer, r) for r in rows]) if rows else None

    pref_args = {**training_arguments(config, bool(eval_rows)), "beta": config.beta, "max_length": config.max_seq_length, "max_prompt_length": config.max_seq_length // 2}
    args = Config(**accepted_kwargs(Config, pref_args))
    kwargs = {"model": model, "args": args, "train_dataset": to_ds(train_rows), "eval_dataset": to_ds(eval_rows), "callbacks": callbacks}
    if config.loss == "dpo":
        kwargs["ref_model"] = None  # with LoRA the reference is the model with adapters disabled
    return TrainerCls(**_with_tokenizer(TrainerCls, kwargs, tokenizer))
