import os
import tempfile
import unittest

import vram
from training.checkpoints import choose_resume, hub_checkpoint_steps, local_checkpoints


def make_checkpoint(root, step, complete=True):
    path = os.path.join(root, f"checkpoint-{step}")
    os.makedirs(path)
    if complete:
        open(os.path.join(path, "trainer_state.json"), "w").close()
    return path


class ResumeDiscovery(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = os.path.join(self.tmp.name, "tmp")
        self.uploads = os.path.join(self.tmp.name, "uploads", "checkpoints")
        os.makedirs(self.out)

    def tearDown(self):
        self.tmp.cleanup()

    def test_first_attempt_never_resumes(self):
        make_checkpoint(self.out, 10)
        self.assertIsNone(choose_resume(1, [self.out], ["checkpoint-20/trainer_state.json"]))

    def test_highest_complete_local_checkpoint_wins(self):
        make_checkpoint(self.out, 10)
        make_checkpoint(self.out, 30, complete=False)
        best = make_checkpoint(self.out, 20)
        os.makedirs(os.path.join(self.out, "not-a-checkpoint"))
        self.assertEqual([s for s, _ in local_checkpoints(self.out)], [10, 20])
        self.assertEqual(choose_resume(2, [self.out, self.uploads]), {"source": "local", "step": 20, "path": best})

    def test_hub_checkpoint_wins_when_newer_and_local_wins_ties(self):
        make_checkpoint(self.out, 20)
        hub = ["README.md", "checkpoint-40/trainer_state.json", "checkpoint-40/adapter_model.safetensors", "checkpoint-60/adapter_model.safetensors", "x/checkpoint-80/trainer_state.json"]
        self.assertEqual(hub_checkpoint_steps(hub), [40])
        self.assertEqual(choose_resume(3, [self.out], hub), {"source": "hub", "step": 40, "subfolder": "checkpoint-40"})
        self.assertEqual(choose_resume(3, [self.out], ["checkpoint-20/trainer_state.json"])["source"], "local")

    def test_nothing_found_means_start_fresh(self):
        self.assertIsNone(choose_resume(2, [self.out, "/nonexistent"], []))


class VramGuesses(unittest.TestCase):
    def test_model_size_is_read_from_the_name(self):
        self.assertEqual(vram.guess_model_size_b("unsloth/Qwen3-4B"), 4)
        self.assertEqual(vram.guess_model_size_b("Qwen/Qwen3-30B-A3B"), 30)
        self.assertEqual(vram.guess_model_size_b("Qwen/Qwen2.5-0.5B-Instruct"), 0.5)
        self.assertEqual(vram.guess_model_size_b("mistralai/Mistral-Small-Instruct"), 22)
        self.assertEqual(vram.guess_model_size_b("org/mystery"), 32)

    def test_api_formula(self):
        self.assertEqual(vram.api_vram_gb("unsloth/Qwen3-4B"), 13)  # 8 + 0 + 5 + .5
        self.assertEqual(vram.api_vram_gb("unsloth/Llama-3.3-70B-Instruct-bnb-4bit", max_loras=2, max_lora_rank=32), 44)  # 35 + 4 + 5 + .5
        self.assertEqual(vram.api_vram_gb("org/x-8B-8bit"), 13)  # 8 + 5 + .5

    def test_inference_and_logprob_formulas(self):
        self.assertEqual(vram.inference_vram_gb("unsloth/Qwen3-4B"), 23)  # 8 + 15 + .5
        self.assertEqual(vram.inference_vram_gb("org/x-8B-4bit", lora_rank=32), 21)  # 4 + 15 + .5 + 2
        self.assertEqual(vram.inference_vram_gb("org/ftjob-8B-4bit"), 31)  # no 4bit discount for ftjob models
        self.assertEqual(vram.logprob_vram_gb("meta/Llama-3.1-8B"), 36)
        self.assertEqual(vram.logprob_vram_gb("Qwen/Qwen3-4B"), 70)


if __name__ == "__main__":
    unittest.main()
