import json
import os
import tempfile
import unittest

from training.dataset_files import DatasetError, is_block_format, load_dataset, split_off_test, to_blocks


def write(lines):
    fd, path = tempfile.mkstemp(suffix=".jsonl")
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


class Conversations(unittest.TestCase):
    def tearDown(self):
        for p in getattr(self, "paths", []):
            os.unlink(p)

    def file(self, rows):
        path = write([r if isinstance(r, str) else json.dumps(r) for r in rows])
        self.paths = getattr(self, "paths", []) + [path]
        return path

    def test_valid_rows_load_and_blank_lines_at_the_ends_are_ignored(self):
        path = self.file(["", {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}, {"text": "raw"}, ""])
        self.assertEqual(len(load_dataset(path, "conversations")), 2)

    def test_a_blank_line_between_rows_is_an_error(self):
        path = self.file([{"text": "a"}, "", {"text": "b"}])
        with self.assertRaises(DatasetError) as ctx:
            load_dataset(path, "conversations")
        self.assertIn("line 2: blank line between rows", str(ctx.exception))

    def test_errors_name_every_bad_line(self):
        path = self.file([
            {"messages": [{"role": "user", "content": "ok"}]},
            "{not json",
            {"messages": [{"role": "robot", "content": "x"}]},
            {"messages": [{"role": "assistant", "content": [{"type": "text", "text": "a", "weight": "high"}]}]},
            {"messages": [], "text": "both"},
            {"other": 1},
        ])
        with self.assertRaises(DatasetError) as ctx:
            load_dataset(path, "conversations")
        text = str(ctx.exception)
        for needle in ("line 2: not valid JSON", "line 3: messages[0].role", "line 4: messages[0].content[0].weight", "line 5:", "line 6:"):
            self.assertIn(needle, text)
        self.assertNotIn("line 1:", text)

    def test_preference_rows_need_prompt_chosen_and_rejected_messages(self):
        good = {"prompt": [{"role": "user", "content": "q"}], "chosen": [{"role": "assistant", "content": "a"}], "rejected": [{"role": "assistant", "content": "b"}]}
        self.assertEqual(len(load_dataset(self.file([good]), "preference")), 1)
        with self.assertRaises(DatasetError) as ctx:
            load_dataset(self.file([good, {"prompt": [{"role": "user", "content": "q"}], "chosen": []}]), "preference")
        self.assertIn("line 2: chosen must be a non-empty list", str(ctx.exception))
        self.assertIn("line 2: missing 'rejected'", str(ctx.exception))

    def test_an_empty_file_is_an_error(self):
        with self.assertRaises(DatasetError):
            load_dataset(self.file([""]), "conversations")


class Blocks(unittest.TestCase):
    def test_block_weight_beats_message_weight_beats_default(self):
        blocks = to_blocks([
            {"role": "user", "content": "q"},
            {"role": "assistant", "weight": 0.5, "content": [{"type": "text", "text": "a", "weight": -1, "tag": "t"}, {"type": "text", "text": "b"}]},
        ])
        self.assertIsNone(blocks[0]["blocks"][0]["weight"])
        self.assertEqual([b["weight"] for b in blocks[1]["blocks"]], [-1, 0.5])
        self.assertEqual(blocks[1]["blocks"][0]["tag"], "t")

    def test_block_format_detection(self):
        self.assertTrue(is_block_format([{"messages": [{"role": "user", "content": [{"text": "x"}]}]}]))
        self.assertFalse(is_block_format([{"messages": [{"role": "user", "content": "x"}]}, {"text": "t"}]))

    def test_test_split_is_deterministic_and_disjoint(self):
        rows = list(range(50))
        train, test = split_off_test(rows, 0.1, seed=1)
        self.assertEqual(len(test), 5)
        self.assertEqual(sorted(train + test), rows)
        self.assertEqual(split_off_test(rows, 0.1, seed=1), (train, test))
        self.assertEqual(split_off_test([1], 0.1), ([1], []))


if __name__ == "__main__":
    unittest.main()
