import json
import os
import subprocess
import sys
import tempfile
import threading
import unittest
from unittest import mock

import openweights_job as job

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class JobHelper(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.events = os.path.join(self.tmp.name, "events.jsonl")
        self.uploads = os.path.join(self.tmp.name, "up")
        self.env = mock.patch.dict(os.environ, {"OPENWEIGHTS_EVENTS": self.events, "OPENWEIGHTS_UPLOADS": self.uploads, "OPENWEIGHTS_ATTEMPT": "3", "OPENWEIGHTS_RUN_ID": "run-1", "N_GPUS": "2"})
        self.env.start()

    def tearDown(self):
        self.env.stop()
        self.tmp.cleanup()

    def lines(self):
        with open(self.events) as f:
            return [json.loads(line) for line in f]

    def test_events_are_json_lines_with_a_type_and_nan_becomes_null(self):
        job.emit({"type": "metrics", "step": 1, "loss": float("nan"), "nested": {"x": float("inf")}})
        job.log_metrics(2, loss=1.5)
        self.assertEqual(self.lines(), [{"type": "metrics", "step": 1, "loss": None, "nested": {"x": None}}, {"type": "metrics", "tag": "train", "step": 2, "loss": 1.5}])

    def test_an_event_without_a_type_is_refused(self):
        for bad in ({"step": 1}, {"type": ""}, {"type": 3}, "metrics"):
            with self.assertRaises(ValueError):
                job.emit(bad)

    def test_concurrent_writers_never_interleave_lines(self):
        def writer(n):
            for i in range(200):
                job.emit({"type": "t", "writer": n, "i": i, "pad": "x" * 500})
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        lines = self.lines()
        self.assertEqual(len(lines), 800)
        self.assertEqual({(e["writer"], e["i"]) for e in lines}, {(n, i) for n in range(4) for i in range(200)})

    def test_run_identity_comes_from_the_environment(self):
        self.assertEqual((job.attempt(), job.run_id(), job.n_gpus()), (3, "run-1", 2))

    def test_upload_file_copies_files_and_folders_and_refuses_escapes(self):
        src = os.path.join(self.tmp.name, "a.txt")
        with open(src, "w") as f:
            f.write("hello")
        self.assertEqual(job.upload_file(src), "a.txt")
        self.assertEqual(job.upload_file(src, "sub/b.txt"), "sub/b.txt")
        with open(os.path.join(self.uploads, "sub", "b.txt")) as f:
            self.assertEqual(f.read(), "hello")
        folder = os.path.join(self.tmp.name, "dir")
        os.makedirs(folder)
        open(os.path.join(folder, "x"), "w").close()
        job.upload_file(folder, "copied")
        self.assertTrue(os.path.isfile(os.path.join(self.uploads, "copied", "x")))
        for bad in ("../evil", "/abs", "a/../../b"):
            with self.assertRaises(ValueError):
                job.upload_file(src, bad)

    def test_params_reads_params_json_and_explains_a_missing_file(self):
        path = os.path.join(self.tmp.name, "params.json")
        with open(path, "w") as f:
            json.dump({"a": 1}, f)
        self.assertEqual(job.params(path), {"a": 1})
        with self.assertRaises(FileNotFoundError):
            job.params(os.path.join(self.tmp.name, "missing.json"))
        with open(path, "w") as f:
            json.dump([1], f)
        with self.assertRaises(ValueError):
            job.params(path)


class OutsideAWorker(unittest.TestCase):
    def test_falls_back_to_the_current_directory(self):
        with tempfile.TemporaryDirectory() as tmp:
            env = {k: v for k, v in os.environ.items() if not k.startswith("OPENWEIGHTS_")}
            code = "import openweights_job as j; j.emit({'type': 'hello'}); print(j.upload_path('r.txt')); print(j.attempt())"
            out = subprocess.run([sys.executable, "-c", code], cwd=tmp, env={**env, "PYTHONPATH": SCRIPTS}, capture_output=True, text=True, check=True).stdout.split()
            self.assertEqual(os.path.realpath(out[0]), os.path.join(os.path.realpath(tmp), "uploads", "r.txt"))
            self.assertEqual(out[1], "1")
            with open(os.path.join(tmp, "events.jsonl")) as f:
                self.assertEqual(json.loads(f.read()), {"type": "hello"})


class Entrypoints(unittest.TestCase):
    """Each entrypoint, run as the worker runs it, turns bad params into an error event and exit 2."""

    def run_entry(self, script, params):
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "params.json"), "w") as f:
                json.dump(params, f)
            events = os.path.join(tmp, "events.jsonl")
            env = {**os.environ, "OPENWEIGHTS_EVENTS": events, "OPENWEIGHTS_UPLOADS": os.path.join(tmp, "uploads"), "PYTHONDONTWRITEBYTECODE": "1"}
            proc = subprocess.run([sys.executable, os.path.join(SCRIPTS, script)], cwd=tmp, env=env, capture_output=True, text=True)
            with open(events) as f:
                return proc.returncode, [json.loads(line) for line in f]

    def test_every_entrypoint_reports_invalid_params(self):
        for script in ("training/train.py", "training/weighted_sft.py", "training/logprob_job.py", "inference/run_inference.py", "serve/serve.py", "evals/inspect_ai_job.py", "evals/mmlu_pro.py"):
            code, events = self.run_entry(script, {"surprise": True})
            self.assertEqual(code, 2, script)
            self.assertEqual(events[-1]["type"], "error", script)
            self.assertEqual(events[-1]["kind"], "invalid_params", script)
            self.assertIn("unknown param 'surprise'", events[-1]["problems"], script)

    def test_training_reports_dataset_errors_with_line_numbers_before_loading_any_model(self):
        with tempfile.TemporaryDirectory() as tmp:
            os.makedirs(os.path.join(tmp, "data"))
            with open(os.path.join(tmp, "data", "train.jsonl"), "w") as f:
                f.write('{"messages": [{"role": "user", "content": "ok"}]}\n{"messages": 5}\n')
            with open(os.path.join(tmp, "params.json"), "w") as f:
                json.dump({"model": "org/m", "training_file": "data/train.jsonl", "loss": "sft", "push_to_hub": False}, f)
            events = os.path.join(tmp, "events.jsonl")
            env = {**os.environ, "OPENWEIGHTS_EVENTS": events, "PYTHONDONTWRITEBYTECODE": "1"}
            proc = subprocess.run([sys.executable, os.path.join(SCRIPTS, "training/train.py")], cwd=tmp, env=env, capture_output=True, text=True)
            with open(events) as f:
                last = [json.loads(line) for line in f][-1]
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertEqual(last["kind"], "invalid_dataset")
            self.assertIn("line 2: messages must be a non-empty list", last["message"])


if __name__ == "__main__":
    unittest.main()
