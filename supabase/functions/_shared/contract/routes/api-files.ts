// The api's routes about files: uploads (raw, multipart, or signed URL + confirm), listing,
// content, deletion, and the local file store's signed URLs.
import { z } from "zod";
import { defineRoute } from "../../http/define-route.ts";
import { FileId, Page } from "../common.ts";
import {
  CompleteUploadRequest,
  CreateUploadRequest,
  CreateUploadResponse,
  FileListQuery,
  FileObject,
  FileUploadQuery,
} from "../files.ts";

const FilePath = z.strictObject({ id: FileId });
// No length cap: the signature decides, and a wrong token is a 403 whatever its size.
const SignedPath = z.strictObject({ token: z.string().min(1) });

export const FileDeleted = z.object({ id: FileId, deleted: z.literal(true) });
export const StoredObject = z.object({ key: z.string(), bytes: z.number() });

export const FileRoutes = {
  upload: defineRoute({
    name: "files.create",
    method: "post",
    path: "/files",
    summary:
      "Upload a file: the raw body with purpose and filename in the query, or multipart with a `file` part (201 when new)",
    who: "member",
    // Multipart may carry purpose and filename as form fields instead; a raw body needs both here.
    query: FileUploadQuery.partial(),
    body: { raw: ["application/octet-stream", "multipart/form-data"] },
    response: FileObject,
    statuses: [200, 201],
  }),
  createUpload: defineRoute({
    name: "files.uploads.create",
    method: "post",
    path: "/files/uploads",
    summary:
      "Ask for a signed upload URL for a large file (null when the file already exists; `bytes: 0` for a dataset is a 400 naming `bytes`)",
    who: "member",
    body: CreateUploadRequest,
    response: CreateUploadResponse,
    statuses: [201],
  }),
  completeUpload: defineRoute({
    name: "files.uploads.complete",
    method: "post",
    path: "/files/uploads/:file_id/complete",
    summary: "Confirm a signed upload: the stored bytes are checked and the file is filed",
    who: "member",
    params: z.strictObject({ file_id: FileId }),
    body: CompleteUploadRequest,
    maxBodyBytes: 16_384,
    response: FileObject,
    statuses: [200, 201],
  }),
  completeUploadUnnamed: defineRoute({
    name: "files.uploads.complete.unnamed",
    method: "post",
    path: "/files/uploads/complete",
    summary: "As above without the file id in the path (kept for clients of the first version)",
    who: "member",
    body: CompleteUploadRequest,
    maxBodyBytes: 16_384,
    response: FileObject,
    statuses: [200, 201],
  }),
  list: defineRoute({
    name: "files.list",
    method: "get",
    path: "/files",
    summary: "The organization's files, newest first",
    who: "member",
    query: FileListQuery,
    response: Page(FileObject),
  }),
  retrieve: defineRoute({
    name: "files.retrieve",
    method: "get",
    path: "/files/:id",
    summary: "One file's metadata",
    who: "member",
    params: FilePath,
    response: FileObject,
  }),
  content: defineRoute({
    name: "files.content",
    method: "get",
    path: "/files/:id/content",
    summary: "A file's bytes (or a 302 to a signed URL of the store)",
    who: "member",
    params: FilePath,
    response: { raw: "application/octet-stream" },
  }),
  delete: defineRoute({
    name: "files.delete",
    method: "delete",
    path: "/files/:id",
    summary: "Delete a file",
    who: "member",
    params: FilePath,
    response: FileDeleted,
  }),
  localGet: defineRoute({
    name: "local-files.get",
    method: "get",
    path: "/local-files/:token",
    summary: "Download through a signed URL of the local file store",
    who: "signed_url",
    params: SignedPath,
    response: { raw: "application/octet-stream" },
  }),
  localPut: defineRoute({
    name: "local-files.put",
    method: "put",
    path: "/local-files/:token",
    summary: "Upload through a signed URL of the local file store",
    who: "signed_url",
    params: SignedPath,
    body: { raw: ["application/octet-stream"] },
    response: StoredObject,
  }),
} as const;
