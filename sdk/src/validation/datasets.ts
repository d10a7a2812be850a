/**
 * Dataset checks before an upload. The rules are the server's own (contract/datasets.ts, applied
 * by the same streaming DatasetValidator the api uses), so a file the SDK accepts is a file the
 * api accepts; this module only adapts them to text, buffers and async byte streams.
 */
import { DatasetValidator } from "../../../supabase/functions/_shared/contract/dataset-validator.ts";
import {
  ConversationRow,
  checkDatasetLine,
  DATASET_PURPOSES,
  type DatasetPurpose,
  hasContentRules,
  type LineError,
  PreferenceRow,
} from "../../../supabase/functions/_shared/contract/datasets.ts";

export { ConversationRow, checkDatasetLine, DatasetValidator, PreferenceRow };
export type DatasetIssue = LineError;
export type ValidatedPurpose = DatasetPurpose;
export const VALIDATED_PURPOSES = DATASET_PURPOSES;
/** Stop collecting after this many issues: a broken file would otherwise produce one per line. */
export const MAX_ISSUES = 100;
export const hasDatasetRules = hasContentRules;

/** Validates a whole text or byte buffer. Purposes without rules are always valid. */
export function validateDataset(purpose: string, content: string | Uint8Array): DatasetIssue[] {
  if (!hasContentRules(purpose)) return [];
  const validator = new DatasetValidator(purpose, MAX_ISSUES);
  validator.feed(typeof content === "string" ? new TextEncoder().encode(content) : content);
  return validator.finish().errors;
}

/** Validates a stream of bytes without holding more than one line at a time. */
export async function validateDatasetStream(
  purpose: string,
  chunks: AsyncIterable<Uint8Array>,
): Promise<DatasetIssue[]> {
  if (!hasContentRules(purpose)) return [];
  const validator = new DatasetValidator(purpose, MAX_ISSUES);
  for await (const chunk of chunks) {
    validator.feed(chunk);
    if (validator.errors.length >= MAX_ISSUES) break;
  }
  return validator.finish().errors;
}
