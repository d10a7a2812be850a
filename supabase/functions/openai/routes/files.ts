// files.create / list / retrieve / content / delete on OpenAI's wire. Uploads go through the same
// streaming ingest as the native api (hash, size cap, dataset validator, content-addressed id).
import { sha256 } from "@noble/hashes/sha2.js";
import { z } from "zod";
import { hex } from "../../_shared/auth/hashing.ts";
import type { FilePurpose } from "../../_shared/contract/enums.ts";
import {
  OPENAI_PURPOSE,
  OpenAIFileCreateFields,
  type OpenAIFileObject,
  ourPurposes,
} from "../../_shared/contract/openai/files.ts";
import { OpenAIRoutes } from "../../_shared/contract/routes/openai.ts";
import { callerOrg } from "../../_shared/db/caller-org.ts";
import type { Tx } from "../../_shared/db/session.ts";
import { fileContentResponse } from "../../_shared/files/file-content.ts";
import {
  FILE_COLUMNS,
  fileStaged,
  refuseDeclaredOversize,
  stageStream,
} from "../../_shared/files/file-ingest.ts";
import { objectKey } from "../../_shared/files/file-store.ts";
import { ApiError, notFound } from "../../_shared/http/api-error.ts";
import { asCaller, type OpenAIContext, type OpenAIDeps, route, unix } from "../context.ts";
import { idempotencyKey, idempotent } from "../idempotency.ts";
import { listPage } from "../pagination.ts";
import { parseParam } from "../request-parsing.ts";

/** multipart bodies are parsed in memory by the runtime (the native api's cap). */
const MULTIPART_MAX_BYTES = 100 * 1024 * 1024;

export function fileToOpenAI(row: Record<string, unknown>): OpenAIFileObject {
  const purpose = String(row.purpose);
  return {
    id: String(row.id),
    object: "file",
    bytes: Number(row.bytes),
    created_at: unix(row.created_at),
    filename: String(row.filename),
    purpose: OPENAI_PURPOSE[purpose as FilePurpose] ?? purpose,
    status: "processed",
    expires_at: null,
    status_details: null,
  };
}

/** The caller's file; a 404 for the path's file, a 400 naming the field for a file a body refers to. */
export async function findFile(tx: Tx, org: string, id: string, param = "file_id") {
  const rows = await tx.unsafe(
    `select ${FILE_COLUMNS} from public.files where organization_id = $1 and id = $2`,
    [org, id],
  );
  if (!rows[0])
    throw new ApiError(
      param === "file_id" ? 404 : 400,
      param === "file_id" ? "not_found" : "invalid_request",
      `no file with id ${id} in this organization`,
      [{ path: param, message: "not found" }],
    );
  return rows[0] as Record<string, unknown>;
}

type Upload = Awaited<ReturnType<typeof readUpload>>;

async function createFile(deps: OpenAIDeps, c: OpenAIContext, { purpose, filename, blob }: Upload) {
  refuseDeclaredOversize(c.req.raw, deps.config.maxUploadBytes);
  const org = await asCaller(deps, c, async (tx) => {
    const id = await callerOrg(tx);
    await tx`select internal.require_member(${id})`;
    return id;
  });
  const staged = await stageStream(deps.store, {
    org,
    purpose: purpose === "batch" ? "batch" : await datasetPurpose(blob),
    filename,
    body: blob.stream(),
    maxBytes: deps.config.maxUploadBytes,
  });
  const result = await asCaller(deps, c, (tx) => fileStaged(tx, deps.store, staged));
  return fileToOpenAI(result.file);
}

function retrieveFile(deps: OpenAIDeps, c: OpenAIContext, id: string) {
  return asCaller(deps, c, async (tx) => fileToOpenAI(await findFile(tx, await callerOrg(tx), id)));
}

export function fileRoutes(deps: OpenAIDeps) {
  return [
    route(OpenAIRoutes.filesCreate, async ({ c }) => {
      const upload = await readUpload(c.req.raw);
      const create = () => createFile(deps, c, upload);
      if (idempotencyKey(c) === null) return create();
      // The request's fingerprint covers the content: a key reused for other bytes is a conflict.
      const digest = hex(sha256(new Uint8Array(await upload.blob.arrayBuffer())));
      const print = { purpose: upload.purpose, filename: upload.filename, sha256: digest };
      return idempotent(deps, c, "POST /files", print, create, (id) => retrieveFile(deps, c, id));
    }),
    route(OpenAIRoutes.filesList, async ({ c, query }) => {
      const purposes = query.purpose === undefined ? null : ourPurposes(query.purpose);
      const rows = await asCaller(deps, c, async (tx) =>
        listPage(tx, {
          table: "public.files",
          columns: FILE_COLUMNS,
          org: await callerOrg(tx),
          filter: "($4::text[] is null or purpose = any ($4::text[]))",
          filterValues: [purposes],
          after: query.after,
          limit: query.limit,
          order: query.order,
        }),
      );
      return rows(fileToOpenAI);
    }),
    route(OpenAIRoutes.filesRetrieve, async ({ c, params }) => {
      return fileToOpenAI(
        await asCaller(deps, c, async (tx) => findFile(tx, await callerOrg(tx), params.file_id)),
      );
    }),
    route(OpenAIRoutes.filesContent, async ({ c, params }) => {
      const file = await asCaller(deps, c, async (tx) => findFile(tx, await callerOrg(tx), params.file_id));
      return fileContentResponse(deps.store, file, c.get("requestId"));
    }),
    route(OpenAIRoutes.filesDelete, async ({ c, params }) => {
      const deleted = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        await findFile(tx, org, params.file_id);
        return tx`delete from public.files where organization_id = ${org} and id = ${params.file_id} returning organization_id, id`;
      });
      const row = deleted[0];
      if (!row) throw notFound("file");
      await deps.store.delete(objectKey(String(row.organization_id), String(row.id)));
      return { id: params.file_id, object: "file" as const, deleted: true };
    }),
  ];
}

async function readUpload(request: Request) {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data"))
    throw new ApiError(
      415,
      "unsupported_media_type",
      "upload files as multipart/form-data (`file` and `purpose`)",
    );
  const length = Number(request.headers.get("content-length") ?? "NaN");
  if (!(length <= MULTIPART_MAX_BYTES))
    throw new ApiError(
      413,
      "payload_too_large",
      `multipart uploads need a content-length of at most ${MULTIPART_MAX_BYTES} bytes`,
    );
  const form = await request.formData().catch(() => {
    throw new ApiError(400, "invalid_request", "the multipart body could not be parsed", [
      { path: "file", message: "malformed multipart" },
    ]);
  });
  const fields: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (key !== "file") fields[key] = String(value);
  const { purpose } = parseParam(OpenAIFileCreateFields, fields, "form");
  const file = form.get("file");
  if (!(file instanceof Blob))
    throw new ApiError(400, "invalid_request", "the multipart body needs a `file` part", [
      { path: "file", message: "required" },
    ]);
  const filename = parseParam(
    z
      .string()
      .min(1)
      .max(255)
      .regex(/^[^\0/\\]+$/, "must be a plain file name"),
    (file as File).name || "upload.jsonl",
    "file name",
  );
  return { purpose, filename, blob: file };
}

/**
 * `fine-tune` files are SFT conversations unless the first row is a preference pair; either way
 * the whole file then goes through that purpose's validator while it streams to storage.
 */
async function datasetPurpose(blob: Blob): Promise<"conversations" | "preference"> {
  const head = await blob.slice(0, 1_000_000).text();
  const first = head.split("\n", 1)[0] ?? "";
  try {
    const row = JSON.parse(first) as Record<string, unknown>;
    if (row && typeof row === "object" && ("chosen" in row || "rejected" in row)) return "preference";
  } catch {
    // the validator reports the line
  }
  return "conversations";
}
