import json
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

from inference.params import format_logprobs, parse_inference_params, result_row, sampling_kwargs, tensor_parallel_size
from lora_models import split_model_id, vllm_lora_rank
from param_checks import ParamError
from serve.params import api_ready_event, choose_api_key, effective_max_loras, parse_serve_params, public_base_url, redacted, serve_argv

INFER = {"model": "unsloth/Qwen3-4B", "input_file": "data/prompts.jsonl"}


class InferenceParams(unittest.TestCase):
    def test_defaults_match_the_original(self):
        c = parse_inference_params(INFER)
        self.assertEqual((c.max_tokens, c.temperature, c.top_p, c.stop, c.prefill, c.min_tokens, c.max_model_len, c.logprobs, c.n_completions_per_prompt),
                         (600, 1.0, 1.0, [], "", 1, 8196, None, 1))

    def test_min_tokens_reaches_the_sampling_params(self):
        kwargs = sampling_kwargs(parse_inference_params({**INFER, "min_tokens": 50, "stop": ["###"], "n_completions_per_prompt": 3, "logprobs": 2}), "<|im_end|>")
        self.assertEqual((kwargs["min_tokens"], kwargs["stop"], kwargs["n"], kwargs["logprobs"]), (50, ["<|im_end|>", "###"], 3, 2))
        with self.assertRaises(ParamError):
            parse_inference_params({**INFER, "min_tokens": 700})

    def test_four_bit_models_get_bitsandbytes_and_one_tensor_parallel_rank(self):
        c = parse_inference_params({**INFER, "model": "unsloth/Llama-3.3-70B-Instruct-bnb-4bit"})
        self.assertEqual((c.quantization, c.load_format, len(c.warnings)), ("bitsandbytes", "bitsandbytes", 2))
        self.assertEqual(tensor_parallel_size(c, 4), 1)
        self.assertEqual(tensor_parallel_size(parse_inference_params(INFER), 4), 4)

    def test_model_must_name_an_org(self):
        with self.assertRaises(ParamError):
            parse_inference_params({**INFER, "model": "gpt2"})

    def test_result_rows_hold_one_completion_or_a_list(self):
        lp = {5: SimpleNamespace(logprob=-0.1, rank=1, decoded_token="a"), 9: SimpleNamespace(logprob=-2.0, rank=2, decoded_token="b")}
        outputs = [SimpleNamespace(text="one", logprobs=[lp]), SimpleNamespace(text="two", logprobs=None)]
        single = result_row({"messages": []}, outputs[:1], 1)
        self.assertEqual(single["completion"], "one")
        self.assertEqual(single["logprobs"], [[{"token_id": 5, "decoded_token": "a", "logprob": -0.1, "rank": 1}, {"token_id": 9, "decoded_token": "b", "logprob": -2.0, "rank": 2}]])
        many = result_row({"messages": []}, outputs, 2)
        self.assertEqual(many["completion"], ["one", "two"])
        self.assertIsNone(many["logprobs"][1])
        self.assertIsNone(format_logprobs(None))


class ModelIds(unittest.TestCase):
    def test_checkpoint_subfolders_are_split_off(self):
        self.assertEqual(split_model_id("org/repo"), ("org/repo", None))
        self.assertEqual(split_model_id("org/repo/checkpoint-10"), ("org/repo", "checkpoint-10"))
        self.assertEqual(split_model_id("./local/dir/x"), ("./local/dir/x", None))

    def test_lora_rank_rounds_up_to_a_rank_vllm_accepts(self):
        self.assertEqual([vllm_lora_rank(r) for r in (4, 16, 17, 300)], [8, 16, 32, 320])
        with self.assertRaises(ValueError):
            vllm_lora_rank(1024)


class ServeCommand(unittest.TestCase):
    def test_the_server_always_gets_an_api_key_and_logs_hide_it(self):
        c = parse_serve_params({"model": "unsloth/Qwen3-4B"})
        argv = serve_argv(c, 2, {}, 16, "sekret")
        self.assertEqual(argv[:3], ["vllm", "serve", "unsloth/Qwen3-4B"])
        self.assertEqual(argv[argv.index("--api-key") + 1], "sekret")
        self.assertEqual(argv[argv.index("--tensor-parallel-size") + 1], "2")
        self.assertNotIn("sekret", redacted(argv))
        self.assertNotIn("--enable-lora", argv)

    def test_bnb_models_use_pipeline_parallelism_and_adapters_become_lora_modules(self):
        c = parse_serve_params({"model": "unsloth/x-bnb-4bit", "lora_adapters": ["a/b", "c/d"], "kv_cache_dtype": "fp8"})
        argv = serve_argv(c, 4, {"a/b": "/cache/a", "c/d": "/cache/c"}, 32, "k")
        joined = " ".join(argv)
        self.assertIn("--quantization bitsandbytes --load-format bitsandbytes --tensor-parallel-size 1 --pipeline-parallel-size 4", joined)
        self.assertIn("--enable-lora --max-lora-rank 32 --max-loras 2 --lora-modules a/b=/cache/a c/d=/cache/c", joined)
        self.assertIn("--kv-cache-dtype fp8", joined)

    def test_max_loras_minus_one_means_one_per_adapter(self):
        self.assertEqual((effective_max_loras(-1, 3), effective_max_loras(0, 3), effective_max_loras(5, 1), effective_max_loras(-1, 0)), (3, 1, 5, 1))

    def test_api_key_comes_from_the_secret_then_params_then_is_generated_and_reported(self):
        c = parse_serve_params({"model": "m/x", "api_key": "from-params"})
        self.assertEqual(choose_api_key(c, {"OPENWEIGHTS_SERVE_API_KEY": "s"}, lambda: "g"), {"key": "s", "source": "secret"})
        self.assertEqual(choose_api_key(c, {}, lambda: "g")["source"], "params")
        generated = choose_api_key(parse_serve_params({"model": "m/x"}), {}, lambda: "g")
        worker_env = {"OPENWEIGHTS_SERVE_PORT": "8000", "OPENWEIGHTS_PUBLIC_URL": "https://pod1-8000.proxy.runpod.net"}
        event = api_ready_event(parse_serve_params({"model": "m/x"}, worker_env), worker_env, ["m/x"], generated, 12.34)
        self.assertEqual((event["type"], event["api_key"], event["base_url"], event["startup_s"]), ("api_ready", "g", "https://pod1-8000.proxy.runpod.net/v1", 12.3))
        self.assertNotIn("api_key", api_ready_event(c, {}, ["m/x"], {"key": "s", "source": "secret"}, 1))

    def test_the_server_listens_on_the_port_the_worker_chose_and_reports_its_public_url(self):
        worker_env = {"OPENWEIGHTS_SERVE_PORT": "41234", "OPENWEIGHTS_PUBLIC_URL": "http://127.0.0.1:41234/"}
        config = parse_serve_params({"model": "m/x"}, worker_env)
        self.assertEqual(config.port, 41234)
        self.assertEqual(public_base_url(worker_env, config.port), "http://127.0.0.1:41234/v1")
        self.assertEqual(parse_serve_params({"model": "m/x"}, {}).port, 8000)

    def test_a_port_other_than_the_workers_is_only_reachable_inside_the_pod(self):
        worker_env = {"OPENWEIGHTS_SERVE_PORT": "8000", "OPENWEIGHTS_PUBLIC_URL": "https://pod1-8000.proxy.runpod.net"}
        config = parse_serve_params({"model": "m/x", "port": 9000}, worker_env)
        self.assertEqual(public_base_url(worker_env, config.port), "http://127.0.0.1:9000/v1")

    def test_the_pod_id_alone_no_longer_builds_a_url(self):
        # the worker withholds RUNPOD_POD_ID from jobs; only OPENWEIGHTS_PUBLIC_URL is meant for them
        self.assertEqual(public_base_url({"RUNPOD_POD_ID": "pod1"}, 8000), "http://127.0.0.1:8000/v1")


class FakeVllm(BaseHTTPRequestHandler):
    require_key = True

    def do_GET(self):
        if self.path == "/health":
            self.send_response(200)
            self.end_headers()
            return
        if self.require_key and self.headers.get("Authorization") != "Bearer right":
            self.send_response(401)
            self.end_headers()
            return
        body = json.dumps({"data": [{"id": "m/x"}]}).encode()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class ReadinessCheck(unittest.TestCase):
    def serve(self, require_key):
        handler = type("Handler", (FakeVllm,), {"require_key": require_key})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return server.server_address[1]

    def test_ready_only_when_the_key_is_enforced(self):
        import serve.serve as launcher
        import time

        process = SimpleNamespace(poll=lambda: None, returncode=None)
        port = self.serve(require_key=True)
        config = parse_serve_params({"model": "m/x", "port": port, "startup_timeout_s": 5})
        self.assertEqual(launcher.wait_until_ready(process, config, "right", time.time()), ["m/x"])
        open_port = self.serve(require_key=False)
        with self.assertRaises(RuntimeError):
            launcher.wait_until_ready(process, parse_serve_params({"model": "m/x", "port": open_port, "startup_timeout_s": 5}), "right", time.time())

    def test_a_server_that_dies_during_startup_is_an_error(self):
        import serve.serve as launcher
        import time

        dead = SimpleNamespace(poll=lambda: 1, returncode=1)
        with self.assertRaises(RuntimeError):
            launcher.wait_until_ready(dead, parse_serve_params({"model": "m/x", "port": 1}), "k", time.time())


if __name__ == "__main__":
    unittest.main()
