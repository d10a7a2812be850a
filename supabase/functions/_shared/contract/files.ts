import { z } from "zod";
import { Cursor, Limit, openEnum, Timestamp, Uuid } from "./common.ts";
import { FilePurpose } from "./enums.ts";

export const FileObject = z.object({
  id: z.string(),
  object: z.literal("file").default("file"),
  organization_id: Uuid,
  filename: z.string(),
  purpose: openEnum(FilePurpose),
  bytes: z.number(),
  sha256: z.string(),
  created_at: Timestamp,
  /** In listings: the job (and run) that uploaded it as a result; null for uploads by users. */
  job_id: z.string().nullable().optional(),
  run_id: Uuid.nullable().optional(),
});
export type FileObject = z.infer<typeof FileObject>;

export const Filename = z
  .string()
  .min(1)
  .max(255)
  .refine((n) => !/[\0/\\]/.test(n) && n !== "." && n !== "..", { message: "must be a plain file name" });

export const FileUploadQuery = z.strictObject({ purpose: FilePurpose, filename: Filename });
export const FileListQuery = z.strictObject({
  purpose: FilePurpose.optional(),
  limit: Limit,
  cursor: Cursor,
});

/** For large files: ask for a signed URL, PUT the bytes there, then confirm. */
export const CreateUploadRequest = z.strictObject({
  purpose: FilePurpose,
  filename: Filename,
  bytes: z
    .number()
    .int()
    .min(0)
    .max(1024 ** 4),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase hex sha256"),
  /** sha256 of the content followed by the organization id: the file id's hash (see fileIdFor). */
  org_sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase hex sha256"),
});
export const CreateUploadResponse = z.object({
  file_id: z.string(),
  /** null: the file already exists, nothing to upload. */
  upload_url: z.string().nullable(),
  /** Pass to POST /files/uploads/complete after the PUT. */
  upload_id: z.string().nullable(),
  expires_at: Timestamp.nullable(),
});
export const CompleteUploadRequest = z.strictObject({ upload_id: z.string().min(1).max(4096) });
