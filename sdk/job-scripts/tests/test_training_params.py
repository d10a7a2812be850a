import unittest

from param_checks import ParamError
from training.params import parse_learning_rate, parse_training_params, trainer_optim

BASE = {"model": "unsloth/Qwen3-4B", "training_file": "data/train.jsonl", "loss": "sft", "finetuned_model_id": "acme/qwen3-ft"}


class LearningRate(unittest.TestCase):
    def test_numbers_and_numeric_strings_are_read_without_eval(self):
        self.assertEqual(parse_learning_rate(1e-4), 1e-4)
        self.assertEqual(parse_learning_rate("1e-4"), 1e-4)
        self.assertEqual(parse_learning_rate(" 0.0002 "), 0.0002)
        self.assertAlmostEqual(parse_learning_rate("10**-4"), 1e-4)
        self.assertAlmostEqual(parse_learning_rate("10^-5"), 1e-5)

    def test_a_negative_string_is_a_power_of_ten(self):
        self.assertAlmostEqual(parse_learning_rate("-4"), 1e-4)

    def test_code_zero_negative_numbers_and_garbage_are_rejected(self):
        for bad in ("__import__('os').system('true')", "1e-4; x", "", "nan", "inf", 0, -1e-4, True, None, [1e-4], "0"):
            with self.assertRaises(ValueError, msg=repr(bad)):
                parse_learning_rate(bad)


class TrainingParams(unittest.TestCase):
    def test_fine_tuning_defaults_match_the_original(self):
        c = parse_training_params(BASE)
        self.assertEqual((c.r, c.lora_alpha, c.lora_dropout, c.use_rslora, c.max_seq_length), (16, 16, 0.0, True, 2048))
        self.assertEqual((c.epochs, c.per_device_train_batch_size, c.gradient_accumulation_steps, c.warmup_steps), (1, 2, 8, 5))
        self.assertEqual((c.learning_rate, c.optim, c.weight_decay, c.lr_scheduler_type, c.seed), (1e-4, "adamw_8bit", 0.01, "linear", 3407))
        self.assertEqual((c.beta, c.save_steps, c.output_dir, c.train_on_responses_only, c.packing), (0.1, 5000, "./tmp", True, True))
        self.assertEqual((c.eval_every_n_steps, c.eval_batch_size, c.test_file_eval_strategy, c.merge_before_push, c.push_to_private), (5000, 8, "epoch", True, True))
        self.assertEqual(c.target_modules, ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
        self.assertEqual(c.kind, "fine_tuning")

    def test_weighted_sft_defaults_differ_where_the_original_differs(self):
        c = parse_training_params({k: v for k, v in BASE.items() if k != "loss"}, "weighted_sft")
        self.assertEqual((c.loss, c.optim, c.eval_every_n_steps, c.backend), ("sft", "adamw_torch", "log", "transformers"))
        with self.assertRaises(ParamError):
            parse_training_params({**BASE, "loss": "dpo"}, "weighted_sft")
        with self.assertRaises(ParamError):
            parse_training_params({**BASE, "beta": 0.2}, "weighted_sft")

    def test_all_problems_are_reported_at_once(self):
        with self.assertRaises(ParamError) as ctx:
            parse_training_params({"loss": "ppo", "lora_dropout": 2, "optim": "lion", "typo_key": 1, "learning_rate": "abc"})
        text = str(ctx.exception)
        for needle in ("'model' is required", "'training_file' is required", "'loss'", "'lora_dropout'", "'optim'", "unknown param 'typo_key'", "'learning_rate'"):
            self.assertIn(needle, text)

    def test_four_bit_models_cannot_track_logprobs(self):
        with self.assertRaises(ParamError):
            parse_training_params({**BASE, "model": "unsloth/Llama-3.3-70B-Instruct-bnb-4bit", "logp_callback_datasets": {"a": "data/a.jsonl"}})
        with self.assertRaises(ParamError):
            parse_training_params({**BASE, "load_in_4bit": True, "logp_callback_datasets": {"a": "data/a.jsonl"}})

    def test_hub_ids_must_be_org_slash_name_with_an_allowed_org(self):
        for bad in ("justname", "a/b/c", "unsloth/x", "None/x", "{org_id}/x-{job_id}", "datasets/x"):
            with self.assertRaises(ParamError, msg=bad):
                parse_training_params({**BASE, "finetuned_model_id": bad})

    def test_pushing_needs_a_model_id_but_local_saving_does_not(self):
        raw = {k: v for k, v in BASE.items() if k != "finetuned_model_id"}
        with self.assertRaises(ParamError):
            parse_training_params(raw)
        self.assertFalse(parse_training_params({**raw, "push_to_hub": False}).push_to_hub)

    def test_dataset_paths_must_stay_inside_the_working_dir(self):
        for bad in ("/etc/passwd", "../x.jsonl", "data/../../x"):
            with self.assertRaises(ParamError):
                parse_training_params({**BASE, "training_file": bad})

    def test_sampling_callbacks_get_defaults_and_accept_the_log_schedule(self):
        c = parse_training_params({**BASE, "sampling_callbacks": [{"dataset": "data/p.jsonl"}, {"dataset": "data/q.jsonl", "eval_steps": "log", "temperature": 1}]})
        first, second = c.sampling_callbacks
        self.assertEqual((first.eval_steps, first.batch_size, first.tag, first.temperature, first.max_tokens), (10, 8, "samples", 0.0, 600))
        self.assertEqual(second.eval_steps, "log")
        with self.assertRaises(ParamError):
            parse_training_params({**BASE, "sampling_callbacks": [{"dataset": "d.jsonl", "eval_steps": "often"}]})

    def test_eval_every_n_steps_must_be_positive_or_log(self):
        self.assertEqual(parse_training_params({**BASE, "eval_every_n_steps": "log"}).eval_every_n_steps, "log")
        for bad in (0, -3, "sometimes", 1.5):
            with self.assertRaises(ParamError):
                parse_training_params({**BASE, "eval_every_n_steps": bad})

    def test_optimizer_names_map_to_trainer_names(self):
        self.assertEqual(trainer_optim(parse_training_params({**BASE, "optim": "adam"})), "adamw_torch")
        self.assertEqual(trainer_optim(parse_training_params(BASE)), "adamw_8bit")

    def test_string_learning_rate_is_parsed_for_every_loss(self):
        for loss in ("sft", "dpo", "orpo"):
            self.assertEqual(parse_training_params({**BASE, "loss": loss, "learning_rate": "1e-5"}).learning_rate, 1e-5)


if __name__ == "__main__":
    unittest.main()
