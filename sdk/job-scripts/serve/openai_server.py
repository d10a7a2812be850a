"""An OpenAI-compatible chat server on plain transformers, for small models and machines without
vLLM (CPU included): the serving job's `transformers` backend. Started by serve/serve.py as

    python serve/openai_server.py --model PATH --port P [--host H] [--adapter NAME=PATH ...]

with the API key in the environment (OPENWEIGHTS_SERVER_KEY, never on the command line, where `ps`
would show it). Routes, with OpenAI's shapes (platform.openai.com/docs/api-reference/chat, read
2026-12-03): GET /health (open), GET /v1/models and POST /v1/chat/completions (Bearer key required;
401 otherwise), plain or streamed (`stream: true`, server-sent chunks). Generation goes through inference/engines.py, the same engine batch inference uses;
requests are served one at a time (one model, one lock).
No `from __future__ import annotations` here: FastAPI reads the handlers' annotations at run time,
and a string "Request" it cannot resolve turns the parameter into a query field (422, seen).
"""


import argparse
import hmac
import os
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

KEY_ENV = "OPENWEIGHTS_SERVER_KEY"


def parse_args(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--served-name", default=None)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--adapter", action="append", default=[], help="NAME=PATH of a LoRA adapter")
    parser.add_argument("--max-model-len", type=int, default=2048)
    return parser.parse_args(argv)


def error(status: int, message: str, kind: str):
    from fastapi.responses import JSONResponse

    return JSONResponse(status_code=status, content={"error": {"message": message, "type": kind, "param": None, "code": None}})


def sampling_from_request(body: dict, eos_token) -> dict:
    stop = body.get("stop") or []
    stop = [stop] if isinstance(stop, str) else list(stop)
    max_tokens = body.get("max_completion_tokens") or body.get("max_tokens") or 256
    return {"n": int(body.get("n") or 1), "temperature": float(body.get("temperature", 1.0)), "top_p": float(body.get("top_p", 1.0)),
            "max_tokens": int(max_tokens), "min_tokens": 0, "stop": ([eos_token] if eos_token else []) + stop,
            "skip_special_tokens": True, "logprobs": None, "seed": body.get("seed")}


def stream_response(head: dict, texts: list, finish: list, usage):
    """`stream: true` in OpenAI's chunk shapes: per choice a role chunk, its text, its finish reason;
    then the usage chunk when asked for (`stream_options.include_usage`), then `[DONE]`. The text
    comes in one piece: this engine generates a whole completion at once (vLLM streams tokens)."""
    import json

    from fastapi.responses import StreamingResponse

    def chunk(choices, **extra):
        return "data: " + json.dumps({**head, "object": "chat.completion.chunk", "choices": choices, **extra}) + "\n\n"

    def events():
        for i, text in enumerate(texts):
            yield chunk([{"index": i, "delta": {"role": "assistant", "content": ""}, "finish_reason": None, "logprobs": None}])
            yield chunk([{"index": i, "delta": {"content": text}, "finish_reason": None, "logprobs": None}])
            yield chunk([{"index": i, "delta": {}, "finish_reason": finish[i], "logprobs": None}])
        if usage is not None:
            yield chunk([], usage=usage)
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


def build_app(engine, served_name: str, adapters: dict, key: str, max_model_len: int):
    from fastapi import FastAPI, Request

    from training.chat_spans import generation_prompt

    app = FastAPI()
    lock = threading.Lock()
    created = int(time.time())

    def authorized(request: Request) -> bool:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {key}".encode())

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.get("/v1/models")
    def models(request: Request):
        if not authorized(request):
            return error(401, "invalid or missing API key", "invalid_request_error")
        ids = [served_name, *adapters]
        return {"object": "list", "data": [{"id": i, "object": "model", "created": created, "owned_by": "openweights"} for i in ids]}

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        if not authorized(request):
            return error(401, "invalid or missing API key", "invalid_request_error")
        try:
            body = await request.json()
        except ValueError:
            return error(400, "the body must be JSON", "invalid_request_error")
        model = body.get("model")
        messages = body.get("messages")
        if model not in (served_name, *adapters):
            return error(404, f"model {model!r} is not served here", "not_found_error")
        if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) and isinstance(m.get("content"), str) for m in messages):
            return error(400, "messages must be a non-empty list of {role, content: string}", "invalid_request_error")
        tokenizer = engine.get_tokenizer()
        prompt = tokenizer.encode(generation_prompt(tokenizer, messages, ""), add_special_tokens=False)
        sampling = sampling_from_request(body, tokenizer.eos_token)
        if len(prompt) + sampling["max_tokens"] > max_model_len:
            return error(400, f"prompt ({len(prompt)} tokens) + max_tokens exceeds max_model_len {max_model_len}", "invalid_request_error")
        with lock:
            outputs = engine.generate_with_adapter(adapters.get(model), [prompt], sampling)[0]
        finish = ["length" if len(o.token_ids) >= sampling["max_tokens"] else "stop" for o in outputs]
        completion_tokens = sum(len(o.token_ids) for o in outputs)
        usage = {"prompt_tokens": len(prompt), "completion_tokens": completion_tokens, "total_tokens": len(prompt) + completion_tokens}
        head = {"id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time()), "model": model}
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return stream_response(head, [o.text for o in outputs], finish, usage if include_usage else None)
        choices = [{"index": i, "message": {"role": "assistant", "content": o.text}, "finish_reason": finish[i], "logprobs": None}
                   for i, o in enumerate(outputs)]
        return {**head, "object": "chat.completion", "choices": choices, "usage": usage}

    return app


def main(argv=None) -> int:
    import uvicorn

    from inference.engines import TransformersEngine

    args = parse_args(sys.argv[1:] if argv is None else argv)
    key = os.environ.get(KEY_ENV)
    if not key:
        print(f"{KEY_ENV} is not set: refusing to serve without an API key", file=sys.stderr)
        return 2
    adapters = dict(a.split("=", 1) for a in args.adapter)
    engine = TransformersEngine(args.model, adapters=adapters)
    app = build_app(engine, args.served_name or args.model, {name: name for name in adapters}, key, args.max_model_len)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
