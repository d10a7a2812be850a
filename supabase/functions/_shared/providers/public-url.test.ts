import { describe, expect, it } from "vitest";
import { PublicUrlError, publicPortUrl, SERVING_PORT } from "./public-url.ts";

describe("public URL of a port inside a pod", () => {
  it("is RunPod's HTTP proxy host for a RunPod pod", () => {
    expect(publicPortUrl({ provider: "runpod", podId: "x1b2c3d4e5f6g7" }, SERVING_PORT)).toBe(
      "https://x1b2c3d4e5f6g7-8000.proxy.runpod.net",
    );
  });

  it("is a plain http URL on the named host for a local pod", () => {
    expect(publicPortUrl({ provider: "local", host: "127.0.0.1" }, 41234)).toBe("http://127.0.0.1:41234");
    expect(publicPortUrl({ provider: "local", host: "[::1]" }, 8000)).toBe("http://[::1]:8000");
  });

  it("refuses pod ids and hosts that would point the URL somewhere else", () => {
    for (const podId of ["evil.com/x", "a.b", "UPPER", "", "-lead", "a b"]) {
      expect(() => publicPortUrl({ provider: "runpod", podId }, 8000)).toThrow(PublicUrlError);
    }
    for (const host of ["a/b", "user@host", "", "h:80"]) {
      expect(() => publicPortUrl({ provider: "local", host }, 8000)).toThrow(PublicUrlError);
    }
  });

  it("refuses ports outside 1..65535", () => {
    for (const port of [0, -1, 65_536, 1.5, Number.NaN]) {
      expect(() => publicPortUrl({ provider: "local", host: "127.0.0.1" }, port)).toThrow(/port/);
    }
  });
});
