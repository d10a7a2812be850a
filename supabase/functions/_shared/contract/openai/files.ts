/**
 * The Files API on OpenAI's wire (openai-node 6.30.1 `src/resources/files.ts`). Our files are
 * content-addressed (`{purpose}:file-{hash}`), and the id travels unchanged; the OpenAI purpose is
 * derived from ours (see OPENAI_PURPOSE). `fine-tune` uploads are validated as our
 * `conversations` rows or, when the first row has `prompt`/`chosen`/`rejected`, as `preference`
 * rows — the same validator the native upload runs.
 */
import { z } from "zod";
import { FilePurpose } from "../enums.ts";
import { listQuery, OpenAIList, UnixSeconds } from "./common.ts";

/** The purposes a client may upload with. */
export const OpenAIUploadPurpose = z.enum(["fine-tune", "batch"]);
export type OpenAIUploadPurpose = z.infer<typeof OpenAIUploadPurpose>;

/** Ours → OpenAI's. Exhaustive over FilePurpose, so a new purpose must be placed here. */
export const OPENAI_PURPOSE = {
  conversations: "fine-tune",
  preference: "fine-tune",
  batch: "batch",
  batch_output: "batch_output",
  result: "fine-tune-results",
  custom_job_file: "user_data",
  log: "user_data",
  logprobs: "user_data",
  samples: "user_data",
  checkpoint: "user_data",
} as const satisfies Record<FilePurpose, string>;

/** OpenAI's purpose → the purposes of ours it lists. */
export function ourPurposes(openai: string): FilePurpose[] {
  return FilePurpose.options.filter((p) => OPENAI_PURPOSE[p] === openai);
}

export const OpenAIFileObject = z.object({
  id: z.string(),
  object: z.literal("file"),
  bytes: z.number().int().nonnegative(),
  created_at: UnixSeconds,
  filename: z.string(),
  purpose: z.string(),
  status: z.enum(["uploaded", "processed", "error"]),
  expires_at: UnixSeconds.nullable(),
  status_details: z.string().nullable(),
});
export type OpenAIFileObject = z.infer<typeof OpenAIFileObject>;

export const OpenAIFileList = OpenAIList(OpenAIFileObject);

export const OpenAIFileDeleted = z.object({
  id: z.string(),
  object: z.literal("file"),
  deleted: z.boolean(),
});

export const OpenAIFileListQuery = z.strictObject({
  ...listQuery(10_000, 10_000),
  order: z.enum(["asc", "desc"]).default("desc"),
  purpose: z.string().min(1).max(40).optional(),
});

/** The multipart fields besides `file`. `expires_after` is accepted and not applied (files never expire here). */
export const OpenAIFileCreateFields = z.strictObject({
  purpose: OpenAIUploadPurpose,
  "expires_after[anchor]": z.literal("created_at").optional(),
  "expires_after[seconds]": z.coerce.number().int().min(3600).max(2_592_000).optional(),
});
