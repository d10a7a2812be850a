"""The flow of tests/ml/openai.ml.test.ts with the official `openai` Python client.

Run by that test with its own small venv (tests/ml/openai-python-requirements.txt); the base URL
and key come from OPENAI_BASE_URL / OPENAI_API_KEY as the client reads them, the flow's inputs as
one JSON argument. Prints one JSON line of what it saw; the test asserts on it.
"""

import json
import sys
import time

from openai import OpenAI

TERMINAL_JOB = {"succeeded", "failed", "cancelled"}
TERMINAL_BATCH = {"completed", "failed", "cancelled", "expired"}


def wait(read, done, what, timeout=800):
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}: {value}")
        time.sleep(1)


def main() -> None:
    spec = json.loads(sys.argv[1])
    client = OpenAI(max_retries=0)
    seen: dict = {}

    training = client.files.create(file=("train.jsonl", spec["training"].encode()), purpose="fine-tune")
    job = client.fine_tuning.jobs.create(
        model=spec["fine_tune"]["model"],
        training_file=training.id,
        suffix=spec["fine_tune"]["suffix"],
        method=spec["fine_tune"]["method"],
        extra_body={"openweights": spec["fine_tune"]["openweights"]},
    )
    job = wait(lambda: client.fine_tuning.jobs.retrieve(job.id), lambda j: j.status in TERMINAL_JOB, "the fine-tune")
    # Iterating a page follows the `after` cursor across pages, as the client does for any list.
    events = list(client.fine_tuning.jobs.list_events(job.id, limit=5))
    checkpoints = client.fine_tuning.jobs.checkpoints.list(job.id)
    seen["fine_tune"] = {
        "id": job.id,
        "status": job.status,
        "result_files": len(job.result_files),
        "metrics_with_loss": sum(
            1 for e in events if e.type == "metrics" and (e.data or {}).get("train_loss") is not None
        ),
        "first_event": events[0].message if events else None,
        "last_event": events[-1].message if events else None,
        "checkpoint_steps": [c.step_number for c in checkpoints.data],
    }

    batch_input = client.files.create(file=("batch.jsonl", spec["batch"].encode()), purpose="batch")
    batch = client.batches.create(
        input_file_id=batch_input.id,
        endpoint="/v1/chat/completions",
        completion_window="24h",
        extra_body={"openweights": {"requires_vram_gb": 0}},
    )
    batch = wait(lambda: client.batches.retrieve(batch.id), lambda b: b.status in TERMINAL_BATCH, "the batch")
    output = [json.loads(line) for line in client.files.content(batch.output_file_id).text.strip().splitlines()]
    seen["batch"] = {
        "id": batch.id,
        "status": batch.status,
        "counts": batch.request_counts.model_dump() if batch.request_counts else None,
        "custom_ids": sorted(o["custom_id"] for o in output),
        "status_codes": [o["response"]["status_code"] for o in output],
    }

    chat = spec["chat"]
    reply = client.chat.completions.create(**chat)
    streamed, finish, usage = "", None, None
    for chunk in client.chat.completions.create(**chat, stream=True, stream_options={"include_usage": True}):
        if chunk.choices:
            streamed += chunk.choices[0].delta.content or ""
            finish = chunk.choices[0].finish_reason or finish
        usage = chunk.usage or usage
    seen["chat"] = {
        "models": [m.id for m in client.models.list()],
        "object": reply.object,
        "content": reply.choices[0].message.content,
        "finish_reason": reply.choices[0].finish_reason,
        "total_tokens": reply.usage.total_tokens if reply.usage else None,
        "streamed": streamed,
        "streamed_finish_reason": finish,
        "streamed_total_tokens": usage.total_tokens if usage else None,
    }
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
