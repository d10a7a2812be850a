import dataclasses
import os
import pkgutil
import importlib
import unittest

from param_checks import ParamError
from job_entry import failure_kind
from tests.toy_tokenizer import ToyTokenizer
from training.callbacks import split_log
from training.chat_templates import CHATML_TEMPLATE, fallback_template_source, template_override
from training.dataset_files import DatasetError
from training.hub import with_retries
from training.trainers import accepted_kwargs, preference_strings

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TrainerLogs(unittest.TestCase):
    def test_train_eval_and_summary_logs_become_tagged_metrics(self):
        self.assertEqual(split_log({"loss": 1.2, "grad_norm": 0.5, "learning_rate": 1e-4, "epoch": 0.1}), [{"tag": "train", "loss": 1.2, "grad_norm": 0.5, "learning_rate": 1e-4, "epoch": 0.1}])
        self.assertEqual(split_log({"eval_loss": 0.9, "eval_runtime": 1.0, "epoch": 1.0}), [{"tag": "eval", "eval_loss": 0.9, "eval_runtime": 1.0, "epoch": 1.0}])
        self.assertEqual(split_log({"train_runtime": 10.0, "train_loss": 1.1, "total_flos": 5, "epoch": 1.0}), [{"tag": "train_summary", "train_runtime": 10.0, "train_loss": 1.1, "epoch": 1.0}])


class ConfigFiltering(unittest.TestCase):
    def test_unknown_kwargs_are_dropped_and_renamed_ones_mapped(self):
        @dataclasses.dataclass
        class OldConfig:
            evaluation_strategy: str = "no"
            max_seq_length: int = 1
            learning_rate: float = 0.0

        self.assertEqual(accepted_kwargs(OldConfig, {"eval_strategy": "steps", "max_length": 9, "learning_rate": 1.0, "brand_new": 1}),
                         {"evaluation_strategy": "steps", "max_seq_length": 9, "learning_rate": 1.0})


class PreferenceText(unittest.TestCase):
    def test_chosen_and_rejected_are_the_rendered_continuations_of_the_prompt(self):
        row = {"prompt": [{"role": "user", "content": "Q"}], "chosen": [{"role": "assistant", "content": "good"}], "rejected": [{"role": "assistant", "content": "bad"}]}
        out = preference_strings(ToyTokenizer("chatml"), row)
        self.assertEqual(out, {"prompt": "<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n", "chosen": "good<|im_end|>\n", "rejected": "bad<|im_end|>\n"})


class Templates(unittest.TestCase):
    def test_fallback_template_sources_by_family_and_overrides(self):
        self.assertEqual(fallback_template_source("unsloth/Qwen3-4B-Base"), "Qwen/Qwen3-0.6B")
        self.assertEqual(fallback_template_source("meta-llama/Llama-3.1-8B"), "unsloth/Llama-3.2-1B-Instruct")
        self.assertIsNone(fallback_template_source("org/unknown"))
        self.assertIsNone(template_override("default"))
        self.assertEqual(template_override("chatml"), CHATML_TEMPLATE)
        self.assertEqual(template_override("{{ x }}"), "{{ x }}")


class Retries(unittest.TestCase):
    def test_retries_until_success_and_reraises_the_last_failure(self):
        calls, sleeps = [], []

        def flaky():
            calls.append(1)
            if len(calls) < 3:
                raise OSError("hub down")
            return "ok"
        self.assertEqual(with_retries("push", flaky, attempts=5, pause_s=10, sleep=sleeps.append), "ok")
        self.assertEqual(sleeps, [10, 10])
        with self.assertRaises(OSError):
            with_retries("push", lambda: (_ for _ in ()).throw(OSError("x")), attempts=2, pause_s=0, sleep=lambda s: None)


class FailureKinds(unittest.TestCase):
    def test_errors_are_classified_for_the_error_event(self):
        self.assertEqual(failure_kind(ParamError(["x"])), "invalid_params")
        self.assertEqual(failure_kind(DatasetError("f", ["line 1: x"])), "invalid_dataset")
        self.assertEqual(failure_kind(RuntimeError("CUDA out of memory. Tried to allocate")), "oom")
        self.assertEqual(failure_kind(RuntimeError("boom")), "runtime_error")


class ImportsWithoutMlPackages(unittest.TestCase):
    def test_every_module_imports_with_the_standard_library_alone(self):
        """torch/transformers/vllm must only be imported inside functions."""
        names = ["openweights_job", "param_checks", "vram", "lora_models", "job_entry", "gpu_check"]
        for package in ("training", "inference", "serve", "evals"):
            names += [f"{package}.{m.name}" for m in pkgutil.iter_modules([os.path.join(SCRIPTS, package)])]
        self.assertGreater(len(names), 25)
        for name in names:
            importlib.import_module(name)


if __name__ == "__main__":
    unittest.main()
