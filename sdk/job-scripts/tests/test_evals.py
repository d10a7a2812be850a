import unittest

from evals import mmlu_pro_core as core
from evals.inspect_ai_job import inspect_argv, parse as parse_inspect, summarize_log
from evals.mmlu_pro import parse as parse_mmlu
from param_checks import ParamError

Q = {"question": "2+2?", "options": ["3", "4", "N/A", "5"], "answer": "B", "answer_index": 1, "category": "math",
     "cot_content": "A: Let's think step by step. 2+2=4. The answer is (B)."}


class MmluPro(unittest.TestCase):
    def test_na_options_are_dropped_and_letters_follow_the_remaining_options(self):
        row = core.preprocess([Q])[0]
        self.assertEqual(row["options"], ["3", "4", "5"])
        self.assertEqual(core.format_example(row, False), "Question:\n2+2?\nOptions:\nA. 3\nB. 4\nC. 5\nAnswer: Let's think step by step.")

    def test_prompt_has_the_instruction_then_k_solved_shots_then_the_question(self):
        row = core.preprocess([Q])[0]
        prompt = core.build_prompt("math", [row, row, row], row, 2)
        self.assertTrue(prompt.startswith("The following are multiple choice questions (with answers) about math."))
        self.assertEqual(prompt.count("Answer: Let's think step by step. 2+2=4. The answer is (B).\n\n"), 2)
        self.assertTrue(prompt.endswith("C. 5\nAnswer: Let's think step by step."))

    def test_shots_are_dropped_until_the_prompt_fits(self):
        row = core.preprocess([Q])[0]
        prompt = core.fitting_prompt("math", [row] * 5, row, 5, count_tokens=len, token_budget=len(core.build_prompt("math", [row] * 5, row, 2)) + 1)
        self.assertEqual(prompt, core.build_prompt("math", [row] * 5, row, 2))

    def test_answer_extraction_tries_three_patterns_in_order(self):
        self.assertEqual(core.extract_answer("so the answer is (C). Also A"), "C")
        self.assertEqual(core.extract_answer("the answer is D"), "D")
        self.assertEqual(core.extract_answer("Answer: E\nthen more"), "E")
        self.assertEqual(core.extract_answer("maybe B or maybe J in the end"), "J")
        self.assertIsNone(core.extract_answer("no letters here at all"))

    def test_unparseable_answers_get_a_seeded_guess_and_accuracy_is_counted(self):
        rows = core.preprocess([Q, Q, Q])
        result = core.score(rows, ["B", "A", None])
        self.assertEqual((result["total"], result["guessed"]), (3, 1))
        self.assertIn(result["correct"], (1, 2))
        self.assertEqual(result, core.score(rows, ["B", "A", None]))

    def test_summary_has_micro_and_macro_accuracy(self):
        s = core.summarize({"a": {"correct": 1, "total": 1, "accuracy": 1.0}, "b": {"correct": 1, "total": 3, "accuracy": 1 / 3}})
        self.assertAlmostEqual(s["accuracy"], 0.5)
        self.assertAlmostEqual(s["macro_accuracy"], 2 / 3)
        self.assertEqual(core.record_row("m", 5, s)[:3], ["m", "5", "0.5000"])

    def test_subject_selection_matches_partial_names(self):
        subjects = ["biology", "computer science", "math"]
        self.assertEqual(core.select_subjects(subjects, "all"), subjects)
        self.assertEqual(core.select_subjects(subjects, "computer_science, bio"), ["biology", "computer science"])
        self.assertEqual(core.select_subjects(subjects, ["MATH"]), ["math"])

    def test_params_defaults_and_string_gpu_util(self):
        c = parse_mmlu({"model": "org/m", "gpu_util": "0.8"})
        self.assertEqual((c.ntrain, c.selected_subjects, c.global_record_file, c.gpu_util), (5, "all", "eval_record_collection.csv", 0.8))
        with self.assertRaises(ParamError):
            parse_mmlu({"model": "org/m", "gpu_util": "lots"})


class InspectAi(unittest.TestCase):
    def test_command_uses_the_vllm_provider_json_logs_and_split_options(self):
        c = parse_inspect({"model": "unsloth/Llama-3.2-1B", "eval_name": "inspect_evals/gpqa_diamond", "options": "--top-p 0.9 --limit '10'"})
        argv = inspect_argv(c, "/w/uploads/inspect-logs")
        self.assertEqual(argv[:4], ["inspect", "eval", "inspect_evals/gpqa_diamond", "--model"])
        self.assertEqual(argv[4], "vllm/unsloth/Llama-3.2-1B")
        self.assertIn("max_model_len=8192", argv)
        self.assertEqual(argv[-4:], ["--top-p", "0.9", "--limit", "10"])
        self.assertIn("json", argv)

    def test_user_log_format_is_not_overridden(self):
        c = parse_inspect({"model": "m/x", "eval_name": "e", "options": ["--log-format", "eval"]})
        self.assertEqual(inspect_argv(c, "d").count("--log-format"), 1)

    def test_scores_are_read_from_a_json_log(self):
        log = {"status": "success", "eval": {"task": "gpqa"}, "results": {"total_samples": 10, "completed_samples": 10,
               "scores": [{"name": "choice", "metrics": {"accuracy": {"name": "accuracy", "value": 0.4}, "stderr": {"value": 0.1}}}]}}
        self.assertEqual(summarize_log(log), {"task": "gpqa", "status": "success", "samples": 10, "scores": {"choice": {"accuracy": 0.4, "stderr": 0.1}}})


if __name__ == "__main__":
    unittest.main()
