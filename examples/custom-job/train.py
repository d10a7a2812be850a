"""A stand-in for a training script: logs progress, emits training-style metrics as events, and
writes a result file. It runs anywhere (stdlib only) and shows how any job talks to OpenWeights:
params come from params.json, events go to the OPENWEIGHTS_EVENTS file (one JSON object per
line), and whatever lands in OPENWEIGHTS_UPLOADS is uploaded as a result file."""
import json
import math
import os
import time

params = json.load(open("params.json"))
steps = int(params.get("steps", 20))
learning_rate = float(params.get("learning_rate", 0.1))
events_path = os.environ.get("OPENWEIGHTS_EVENTS", "events.jsonl")
uploads = os.environ.get("OPENWEIGHTS_UPLOADS", "uploads")
os.makedirs(uploads, exist_ok=True)


def emit(event):
    with open(events_path, "a") as f:
        f.write(json.dumps(event) + "\n")


print(f"training for {steps} steps at learning rate {learning_rate}", flush=True)
loss = 2.5
for step in range(1, steps + 1):
    loss = loss * (1 - learning_rate) + 0.05 * math.sin(step)
    if step % 5 == 0 or step == steps:
        print(f"step {step}/{steps}  loss {loss:.4f}", flush=True)
        emit({"type": "metrics", "step": step, "loss": round(loss, 4)})
    time.sleep(0.05)

with open(os.path.join(uploads, "result.json"), "w") as f:
    json.dump({"final_loss": round(loss, 4), "steps": steps}, f)
emit({"type": "summary", "final_loss": round(loss, 4)})
print("done", flush=True)
