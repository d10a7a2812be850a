"""The job scripts' dataset reader against the shared fixture files (tests/fixtures/datasets):
each file must be valid or invalid, with errors on exactly the lines cases.json states, as the
TypeScript validator must (tests/parity/dataset-fixtures.test.ts reads the same cases.json)."""

import json
import os
import re
import unittest

from training.dataset_files import DatasetError, load_dataset

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "fixtures", "datasets")


def outcome(path, purpose):
    try:
        load_dataset(path, purpose)
        return {"ok": True, "error_lines": []}
    except DatasetError as e:
        lines = sorted({int(m.group(1)) for p in e.problems for m in [re.match(r"line (\d+):", p)] if m})
        return {"ok": False, "error_lines": lines, "unnumbered": [p for p in e.problems if not re.match(r"line \d+:", p)]}


class DatasetFixtures(unittest.TestCase):
    def test_every_fixture_gives_the_stated_outcome(self):
        with open(os.path.join(FIXTURES, "cases.json"), encoding="utf-8") as f:
            cases = json.load(f)["cases"]
        self.assertGreater(len(cases), 10)
        for case in cases:
            with self.subTest(file=case["file"], why=case["why"]):
                got = outcome(os.path.join(FIXTURES, case["file"]), case["purpose"])
                self.assertEqual(got.pop("unnumbered", []), [], "every problem names its line")
                self.assertEqual(got, {"ok": case["ok"], "error_lines": case["error_lines"]})


if __name__ == "__main__":
    unittest.main()
