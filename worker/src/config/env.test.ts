import { describe, expect, it } from "vitest";
import { SERVING_PORT } from "../../../supabase/functions/_shared/providers/public-url.ts";
import { parseCliArgs } from "./cli-args.ts";
import { parseWorkerEnv, WorkerEnvError } from "./env.ts";
import { DEFAULT_INTERVALS } from "./worker-config.ts";

const minimal = {
  OPENWEIGHTS_API_URL: "http://127.0.0.1:54321/functions/v1/",
  OPENWEIGHTS_WORKER_TOKEN: "ow_x",
};

describe("worker environment", () => {
  it("lists every problem at once", () => {
    try {
      parseWorkerEnv({ OPENWEIGHTS_API_URL: "not a url", OW_HEARTBEAT_MS: "soon", OW_EXECUTOR: "k8s" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WorkerEnvError);
      const problems = (error as WorkerEnvError).problems.join("\n");
      for (const name of [
        "OPENWEIGHTS_API_URL",
        "OPENWEIGHTS_WORKER_TOKEN",
        "OW_HEARTBEAT_MS",
        "OW_EXECUTOR",
      ]) {
        expect(problems).toContain(name);
      }
    }
  });

  it("fills every interval with its default", () => {
    const config = parseWorkerEnv(minimal);
    expect(config.intervals).toEqual(DEFAULT_INTERVALS);
    expect(config.intervals.cancelGraceMs).toBe(5_000);
    expect(config.apiUrl).toBe("http://127.0.0.1:54321/functions/v1");
    expect(config.workerApiUrl).toBe("http://127.0.0.1:54321/functions/v1/worker-api");
    expect(config.executor).toBe("process");
    expect(config.runpod).toBeNull();
  });

  it("reads the supervisor's pid (set by the local pod agent) and refuses one that is not a pid", () => {
    expect(parseWorkerEnv(minimal).supervisorPid).toBeNull();
    expect(parseWorkerEnv({ ...minimal, OW_SUPERVISOR_PID: "4242" }).supervisorPid).toBe(4242);
    for (const bad of ["agent", "1", "-5", "4.5"])
      expect(() => parseWorkerEnv({ ...minimal, OW_SUPERVISOR_PID: bad })).toThrow(/OW_SUPERVISOR_PID/);
  });

  it("accepts the worker-api URL itself as the API URL", () => {
    const config = parseWorkerEnv({
      ...minimal,
      OPENWEIGHTS_API_URL: "https://x.supabase.co/functions/v1/worker-api",
    });
    expect(config.apiUrl).toBe("https://x.supabase.co/functions/v1");
  });

  it("reads intervals, TTL and the RunPod pod identity", () => {
    const config = parseWorkerEnv({
      ...minimal,
      OW_HEARTBEAT_MS: "1000",
      OW_TTL_HOURS: "0.5",
      RUNPOD_POD_ID: "pod123",
      RUNPOD_API_KEY: "rpa_key",
    });
    expect(config.intervals.heartbeatMs).toBe(1000);
    expect(config.intervals.ttlMs).toBe(1_800_000);
    expect(config.runpod).toEqual({
      podId: "pod123",
      apiKey: "rpa_key",
      restUrl: "https://api.runpod.io/v2",
    });
    expect(parseWorkerEnv({ ...minimal, OW_TTL_HOURS: "0" }).intervals.ttlMs).toBeNull();
  });

  it("gives jobs the RunPod proxy of the exposed serving port on a pod, a free loopback port elsewhere", () => {
    const onPod = parseWorkerEnv({ ...minimal, RUNPOD_POD_ID: "abc123xyz" });
    expect(onPod.publicEndpoint).toEqual({ provider: "runpod", podId: "abc123xyz" });
    expect(onPod.servingPort).toBe(SERVING_PORT);
    const local = parseWorkerEnv(minimal);
    expect(local.publicEndpoint).toEqual({ provider: "local", host: "127.0.0.1" });
    expect(local.servingPort).toBeNull();
    expect(parseWorkerEnv({ ...minimal, OW_PUBLIC_HOST: "10.0.0.5", OW_SERVE_PORT: "9000" })).toMatchObject({
      publicEndpoint: { provider: "local", host: "10.0.0.5" },
      servingPort: 9000,
    });
  });

  it("refuses a pod id that is not one DNS label, since it becomes the proxy's host name", () => {
    expect(() => parseWorkerEnv({ ...minimal, RUNPOD_POD_ID: "evil.example.com/x" })).toThrow(
      /RUNPOD_POD_ID/,
    );
  });

  it("refuses a claim wait above what the server accepts", () => {
    expect(() => parseWorkerEnv({ ...minimal, OW_CLAIM_WAIT_MS: "60000" })).toThrow(/OW_CLAIM_WAIT_MS/);
  });
});

describe("command-line flags", () => {
  it("map onto the environment variables they override", () => {
    expect(
      parseCliArgs(["--api-url", "http://h/functions/v1", "--image=ow-unsloth", "--executor", "docker"]),
    ).toEqual({
      help: false,
      env: {
        OPENWEIGHTS_API_URL: "http://h/functions/v1",
        OW_WORKER_IMAGE: "ow-unsloth",
        OW_EXECUTOR: "docker",
      },
      problems: [],
    });
  });

  it("report unknown flags and missing values", () => {
    const args = parseCliArgs(["--colour", "--token"]);
    expect(args).toEqual({
      help: false,
      env: {},
      problems: ["unknown option --colour", "--token needs a value"],
    });
  });

  it("report stray arguments, including everything after `--`", () => {
    expect(parseCliArgs(["run", "--image", "x", "--", "--token", "t"])).toEqual({
      help: false,
      env: { OW_WORKER_IMAGE: "x" },
      problems: ["unexpected argument run", "unexpected argument --token", "unexpected argument t"],
    });
  });

  it("take an inline value as given, even an empty one, for the env parse to judge", () => {
    expect(parseCliArgs(["--ttl-hours=", "--log-level=debug"])).toEqual({
      help: false,
      env: { OW_TTL_HOURS: "", OW_LOG_LEVEL: "debug" },
      problems: [],
    });
  });

  it("recognise --help", () => {
    expect(parseCliArgs(["--image", "x", "-h"])).toEqual({ help: true });
  });
});
