"""A tiny Llama trained to max_steps=6 with a checkpoint at step 6 (4 steps an epoch), then resumed
from that checkpoint twice: once with transformers' own train() and once with training.resume's
train_from. Prints one JSON line: the global steps reached and whether train_from's weights are
the checkpoint's. Run from sdk/job-scripts (the job scripts' import root) in the ML venv."""

import json
import os
import sys
import tempfile

import torch
from datasets import Dataset
from transformers import LlamaConfig, LlamaForCausalLM, Trainer, TrainingArguments

from training.resume import train_from

CONFIG = LlamaConfig(vocab_size=32, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                     num_attention_heads=2, num_key_value_heads=2)
ROWS = Dataset.from_list([{"input_ids": [1, 2, 3, 4, 5, 6], "labels": [1, 2, 3, 4, 5, 6]}] * 16)


def trainer(output_dir: str) -> Trainer:
    torch.manual_seed(0)
    args = TrainingArguments(output_dir=output_dir, max_steps=6, save_steps=6, per_device_train_batch_size=4,
                             report_to=[], use_cpu=True, disable_tqdm=True, save_strategy="steps",
                             lr_scheduler_type="constant")  # a step at lr 0 would change nothing
    return Trainer(model=LlamaForCausalLM(CONFIG), args=args, train_dataset=ROWS)


def main() -> None:
    out = tempfile.mkdtemp()
    trainer(out).train()
    checkpoint = os.path.join(out, "checkpoint-6")
    upstream = trainer(tempfile.mkdtemp())
    upstream.train(resume_from_checkpoint=checkpoint)
    ours = trainer(tempfile.mkdtemp())
    before = {k: v.clone() for k, v in ours.model.state_dict().items()}
    train_from(ours, checkpoint)
    saved = LlamaForCausalLM.from_pretrained(checkpoint).state_dict()
    print(json.dumps({
        "upstream_global_step": upstream.state.global_step,
        "global_step": ours.state.global_step,
        "weights_are_checkpoint": all(torch.equal(v, saved[k]) for k, v in ours.model.state_dict().items()),
        "weights_changed_from_init": any(not torch.equal(v, before[k]) for k, v in ours.model.state_dict().items()),
    }))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
