import { describe, expect, it } from "vitest";
import { LineSplitter } from "./line-splitter.ts";

describe("line splitter", () => {
  it("splits on \\n, \\r\\n and a lone \\r, across chunk boundaries", () => {
    const s = new LineSplitter(100);
    expect(s.push("a\nb\r")).toEqual(["a", "b"]);
    expect(s.push("\nc\r\nd")).toEqual(["c"]);
    expect(s.push("e\r50%\r100%\n")).toEqual(["de", "50%", "100%"]);
    expect(s.end()).toEqual([]);
  });

  it("keeps a multi-byte character split between chunks intact", () => {
    const s = new LineSplitter(100);
    const bytes = Buffer.from("héllo\n");
    expect(s.push(bytes.subarray(0, 2))).toEqual([]);
    expect(s.push(bytes.subarray(2))).toEqual(["héllo"]);
  });

  it("splits a very long line into pieces as it arrives", () => {
    const s = new LineSplitter(4);
    expect(s.push("abcdefghij")).toEqual(["abcd", "efgh"]);
    expect(s.push("k\n")).toEqual(["ijk"]);
  });

  it("emits an unterminated last line at the end", () => {
    const s = new LineSplitter(10);
    expect(s.push("x\nlast")).toEqual(["x"]);
    expect(s.end()).toEqual(["last"]);
  });

  it("keeps empty lines", () => {
    expect(new LineSplitter(10).push("a\n\nb\n")).toEqual(["a", "", "b"]);
  });
});
