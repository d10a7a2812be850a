import { describe, expect, it } from "vitest";
import { validateDataset, validateDatasetStream } from "../src/validation/datasets.ts";

const row = (v: unknown) => JSON.stringify(v);
const chat = {
  messages: [
    { role: "user", content: "hi" },
    { role: "assistant", content: [{ type: "text", text: "yo", weight: 1 }] },
  ],
};
const pref = {
  prompt: [{ role: "user", content: "q" }],
  chosen: [{ role: "assistant", content: "a" }],
  rejected: [{ role: "assistant", content: "b" }],
};

// The rules themselves are the contract's (contract/datasets.ts) and are checked on shared fixture
// files by tests/parity/dataset-fixtures.test.ts; these cases pin the SDK's adapters and messages.
describe("dataset validation", () => {
  it("accepts conversations with messages or text and extra part keys", () => {
    expect(validateDataset("conversations", [row(chat), row({ text: "plain" })].join("\n"))).toEqual([]);
  });

  it("names the line and the field of every broken conversation row", () => {
    const text = [
      row(chat),
      "{not json",
      row({ messages: [{ role: "robot", content: "x" }] }),
      row({ messages: [], text: "both" }),
      row({ messages: [{ role: "user", content: [{ type: "image" }] }] }),
      row({ text: 5 }),
      row({ hello: 1 }),
    ].join("\n");
    expect(validateDataset("conversations", text)).toEqual([
      { line: 2, message: "not valid JSON" },
      { line: 3, message: "messages[0].role: must be one of system, user, assistant" },
      { line: 4, message: "a row has either `messages` or `text`, not both" },
      {
        line: 5,
        message:
          "messages[0].content: must be a string or a non-empty list of parts, each with a string `text`",
      },
      { line: 6, message: "text: must be a string" },
      { line: 7, message: "must have `messages` (a list of chat messages) or `text`" },
    ]);
  });

  it("ignores blank lines at the ends but rejects one between rows", () => {
    expect(validateDataset("conversations", `\n${row(chat)}\n${row(chat)}\n\n`)).toEqual([]);
    expect(validateDataset("conversations", `${row(chat)}\n\n${row(chat)}\n`)).toEqual([
      { line: 2, message: "blank line between rows" },
    ]);
  });

  it("requires prompt, chosen and rejected message lists in preference rows", () => {
    expect(validateDataset("preference", row(pref))).toEqual([]);
    const { rejected: _, ...noRejected } = pref;
    expect(validateDataset("preference", `${row(pref)}\n${row(noRejected)}`)).toEqual([
      { line: 2, message: "rejected: must be a list of messages" },
    ]);
    expect(validateDataset("preference", row({ ...pref, chosen: "a" }))).toEqual([
      { line: 1, message: "chosen: must be a list of messages" },
    ]);
  });

  it("treats an empty dataset as invalid and other purposes as always valid", () => {
    expect(validateDataset("conversations", "\n\n")).toEqual([{ line: 1, message: "the file has no rows" }]);
    expect(validateDataset("custom_job_file", "anything at all")).toEqual([]);
  });

  it("validates a stream split mid-line and mid-character with the same line numbers", async () => {
    const bytes = new TextEncoder().encode(`${row({ text: "héllo" })}\r\n{broken\n${row(chat)}`);
    async function* pieces() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    }
    expect(await validateDatasetStream("conversations", pieces())).toEqual([
      { line: 2, message: "not valid JSON" },
    ]);
  });
});
