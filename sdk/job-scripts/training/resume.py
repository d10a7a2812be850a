"""Resuming a trainer from a checkpoint without training past max_steps.

transformers 5.17's Trainer checks `max_steps` only after a step: resumed from a checkpoint that
already holds the last step, it trains one more (max_steps=6, checkpoint-6 -> global_step 7,
measured 2026-12-04) whenever max_steps is not a multiple of the steps in an epoch. A run killed
after its last checkpoint but before it reported would then finish with a model trained one step
longer than asked. Here such a run restores the checkpoint and trains nothing.
"""

from __future__ import annotations

import json
import os
from typing import Optional

TRAINER_STATE = "trainer_state.json"


def checkpoint_step(path: str) -> int:
    with open(os.path.join(path, TRAINER_STATE)) as f:
        return int(json.load(f)["global_step"])


def train_from(trainer, resume_from: Optional[str]):
    """`trainer.train(resume_from_checkpoint=...)`, or, when the checkpoint is already at max_steps,
    the checkpoint's weights and state with no training step; returns the TrainOutput or None."""
    if resume_from is None or trainer.args.max_steps <= 0 or checkpoint_step(resume_from) < trainer.args.max_steps:
        return trainer.train(resume_from_checkpoint=resume_from)
    from transformers import TrainerState

    # The same loading train() does on resume (full weights or a PEFT adapter), without a step.
    trainer._load_from_checkpoint(resume_from)
    trainer.state = TrainerState.load_from_json(os.path.join(resume_from, TRAINER_STATE))
    print(f"checkpoint {resume_from} is at max_steps={trainer.args.max_steps}: nothing left to train", flush=True)
    return None
