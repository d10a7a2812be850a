import { describe, expect, it } from "vitest";
import { classifyRun } from "./failure-classifier.ts";

const exit = (exitCode: number, signal: NodeJS.Signals | null = null) => ({ exitCode, signal });

describe("run classification", () => {
  it("completes a job that exited 0 on its own", () => {
    expect(classifyRun(exit(0), null, [])).toEqual({ kind: "complete", exitCode: 0 });
  });

  it("reports a non-zero exit as user_error with the code", () => {
    expect(classifyRun(exit(2), null, ["Traceback", "ValueError"])).toMatchObject({
      kind: "fail",
      failureKind: "user_error",
      exitCode: 2,
    });
  });

  it("recognises CUDA out-of-memory in the last lines", () => {
    const lines = ["torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB"];
    expect(classifyRun(exit(1), null, lines)).toMatchObject({ failureKind: "oom", exitCode: 1 });
  });

  it("reads a SIGKILL nobody on our side sent as the kernel's OOM killer", () => {
    expect(classifyRun(exit(137, "SIGKILL"), null, [])).toMatchObject({ failureKind: "oom" });
  });

  it("reports why the worker ended the job, whatever the exit code", () => {
    expect(classifyRun(exit(143, "SIGTERM"), "cancel", [])).toMatchObject({ failureKind: "canceled" });
    expect(classifyRun(exit(0), "timeout", [])).toMatchObject({ failureKind: "timeout" });
    expect(classifyRun(exit(137, "SIGKILL"), "preempted", [])).toMatchObject({ failureKind: "preempted" });
    expect(classifyRun(exit(143, "SIGTERM"), "stop", [])).toMatchObject({ failureKind: "preempted" });
  });

  it("reports a job stopped before it started without an exit code", () => {
    expect(classifyRun(null, "cancel", [])).toMatchObject({ failureKind: "canceled", exitCode: null });
  });
});
