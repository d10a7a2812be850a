"""Loads a tiny model with a LoRA adapter on the transformers backend three times in one process
(seed 7, seed 7 after the RNG moved on, seed 8) and prints one JSON line: whether the adapters'
initial weights are equal. Run from sdk/job-scripts in the ML venv: python lora_init_seed.py MODEL_DIR"""

import json
import sys

import torch

from training.model_loading import load_model_and_tokenizer
from training.params import parse_training_params


def adapter_weights(model_dir: str, seed: int):
    config = parse_training_params({"model": model_dir, "training_file": "train.jsonl", "loss": "sft", "backend": "transformers",
                                    "push_to_hub": False, "finetuned_model_id": None, "seed": seed})
    model, _ = load_model_and_tokenizer(config, "transformers")
    return {k: v.detach().clone() for k, v in model.state_dict().items() if "lora_A" in k}


def same(a, b) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def main() -> None:
    first = adapter_weights(sys.argv[1], 7)
    torch.rand(1000)  # whatever ran before must not matter
    again = adapter_weights(sys.argv[1], 7)
    other = adapter_weights(sys.argv[1], 8)
    print(json.dumps({"adapters": len(first), "same_seed_equal": same(first, again), "other_seed_equal": same(first, other)}))


if __name__ == "__main__":
    main()
