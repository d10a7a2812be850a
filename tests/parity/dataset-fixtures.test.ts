// The dataset rules (contract/datasets.ts) are applied by the api's streaming DatasetValidator,
// re-exported by the SDK, and restated in Python by the job scripts' reader (training/
// dataset_files.py). Every reader is run on the same fixture files (tests/fixtures/datasets) and
// must give the outcome cases.json states: whether the file is valid, and which lines are in
// error. sdk/job-scripts/tests/test_dataset_fixtures.py does the same for the Python reader.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateDataset, validateDatasetStream } from "../../sdk/src/validation/datasets.ts";
import { DatasetValidator } from "../../supabase/functions/_shared/contract/dataset-validator.ts";
import type { DatasetPurpose } from "../../supabase/functions/_shared/contract/datasets.ts";

const dir = join(import.meta.dirname, "..", "fixtures", "datasets");
const { cases } = JSON.parse(readFileSync(join(dir, "cases.json"), "utf8")) as {
  cases: { file: string; purpose: DatasetPurpose; ok: boolean; error_lines: number[]; why: string }[];
};

const outcome = (errors: { line: number }[]) => ({
  ok: errors.length === 0,
  error_lines: [...new Set(errors.map((e) => e.line))].sort((a, b) => a - b),
});

async function* pieces(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe("dataset fixtures: every TypeScript reader gives the outcome cases.json states", () => {
  it("covers valid and invalid files of both purposes", () => {
    for (const purpose of ["conversations", "preference"])
      for (const ok of [true, false])
        expect(cases.some((c) => c.purpose === purpose && c.ok === ok)).toBe(true);
  });

  for (const c of cases) {
    it(`${c.file}: ${c.why}`, async () => {
      const bytes = new Uint8Array(readFileSync(join(dir, c.file)));
      const expected = { ok: c.ok, error_lines: c.error_lines };
      const api = new DatasetValidator(c.purpose);
      api.feed(bytes);
      expect(outcome(api.finish().errors), "api validator, one chunk").toEqual(expected);
      // Chunks of 3 bytes cut lines, CRLF pairs and multi-byte characters apart.
      const chunked = new DatasetValidator(c.purpose);
      for await (const piece of pieces(bytes, 3)) chunked.feed(piece);
      expect(outcome(chunked.finish().errors), "api validator, 3-byte chunks").toEqual(expected);
      expect(outcome(validateDataset(c.purpose, bytes)), "SDK validateDataset").toEqual(expected);
      expect(outcome(await validateDatasetStream(c.purpose, pieces(bytes, 5))), "SDK stream").toEqual(
        expected,
      );
    });
  }
});
