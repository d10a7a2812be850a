import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EventRecord } from "../api/worker-api.ts";
import { WorkerApiError } from "../api/worker-api-error.ts";
import { systemClock } from "../util/clock.ts";
import { EventsTailer, parseEventLine } from "./events-tailer.ts";

describe("events tailer", () => {
  let dir: string;
  let file: string;
  let received: EventRecord[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ow-events-"));
    file = join(dir, "events.jsonl");
    received = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const tailer = (send?: (events: EventRecord[]) => Promise<void>) =>
    new EventsTailer({
      path: file,
      clock: systemClock,
      pollIntervalMs: 5,
      maxLineBytes: 200,
      send:
        send ??
        (async (events) => {
          received.push(...events);
        }),
    });

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  };

  it("forwards complete lines as they appear, with the line index as seq", async () => {
    writeFileSync(file, "");
    const t = tailer();
    t.start();
    appendFileSync(file, '{"type":"metric","step":1}\n');
    await until(() => received.length === 1);
    expect(received).toEqual([{ seq: 0, data: { type: "metric", step: 1 } }]);
    appendFileSync(file, '\n{"step":2}\n');
    await t.close();
    expect(received).toEqual([
      { seq: 0, data: { type: "metric", step: 1 } },
      { seq: 2, data: { step: 2 } },
    ]);
  });

  it("holds a partial last line until its newline arrives", async () => {
    writeFileSync(file, '{"a":1}\n{"b":');
    const t = tailer();
    t.start();
    await until(() => received.length === 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(received).toHaveLength(1);
    appendFileSync(file, "2}\n");
    await until(() => received.length === 2);
    await t.close();
    expect(received[1]).toEqual({ seq: 1, data: { b: 2 } });
  });

  it("turns lines that are not JSON objects into invalid_event instead of dropping them", async () => {
    writeFileSync(file, 'not json\n[1,2]\n{"ok":true}\n');
    const t = tailer();
    await t.close();
    expect(received.map((e) => e.data)).toEqual([
      { type: "invalid_event", raw: "not json" },
      { type: "invalid_event", raw: "[1,2]" },
      { ok: true },
    ]);
  });

  it("sends an unterminated last line once the job has ended", async () => {
    writeFileSync(file, '{"final":true}');
    await tailer().close();
    expect(received).toEqual([{ seq: 0, data: { final: true } }]);
  });

  it("cuts a runaway line down to an invalid_event and carries on", async () => {
    writeFileSync(file, `{"big":"${"x".repeat(1000)}"}\n{"after":1}\n`);
    await tailer().close();
    expect(received[0]?.data).toMatchObject({ type: "invalid_event", reason: "line too long" });
    expect(received[1]).toEqual({ seq: 1, data: { after: 1 } });
  });

  it("waits for a file the job has not created yet", async () => {
    const t = tailer();
    t.start();
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(file, '{"late":1}\n');
    await t.close();
    expect(received).toEqual([{ seq: 0, data: { late: 1 } }]);
  });

  it("reports a send that gave up when closed", async () => {
    writeFileSync(file, '{"a":1}\n');
    const t = tailer(async () => {
      throw new WorkerApiError(409, "lease_lost", "gone");
    });
    await expect(t.close()).rejects.toMatchObject({ code: "lease_lost" });
  });

  it("parses single lines on their own", () => {
    expect(parseEventLine('{"x":1}')).toEqual({ x: 1 });
    expect(parseEventLine("null")).toEqual({ type: "invalid_event", raw: "null" });
  });
});
