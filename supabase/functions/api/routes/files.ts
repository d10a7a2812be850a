import { z } from "zod";
import { DatasetValidator } from "../../_shared/contract/dataset-validator.ts";
import { hasContentRules } from "../../_shared/contract/datasets.ts";
import { FilePurpose } from "../../_shared/contract/enums.ts";
import { FileUploadQuery } from "../../_shared/contract/files.ts";
import { FileRoutes } from "../../_shared/contract/routes/index.ts";
import type { Row } from "../../_shared/db/row-mapper.ts";
import { fileContentResponse } from "../../_shared/files/file-content.ts";
import { fileIdFromOrgHash } from "../../_shared/files/file-id.ts";
import {
  FILE_COLUMNS,
  fileStaged,
  fileToWire,
  invalidFile,
  refuseDeclaredOversize,
  stageStream,
} from "../../_shared/files/file-ingest.ts";
import { objectKey, stagingKey, UPLOAD_TICKET_SECONDS } from "../../_shared/files/file-store.ts";
import { ApiError, notFound } from "../../_shared/http/api-error.ts";
import { parseWith } from "../../_shared/http/base-app.ts";
import { answer } from "../../_shared/http/define-route.ts";
import { type ApiContext, type ApiDeps, asCaller, callerOrg, route } from "../context.ts";
import { decodeCursor, page } from "../pagination.ts";

/** multipart bodies are parsed in memory by the runtime, so they get a smaller cap than raw streams. */
const MULTIPART_MAX_BYTES = 100 * 1024 * 1024;

const PendingUpload = z.object({
  org: z.string(),
  file_id: z.string(),
  purpose: FilePurpose,
  filename: z.string(),
  bytes: z.number(),
  sha256: z.string(),
  staging: z.string(),
});

export function fileRoutes(deps: ApiDeps) {
  return [
    route(FileRoutes.upload, async ({ c, query }) => {
      const type = c.req.header("content-type") ?? "";
      const { purpose, filename, body } = type.startsWith("multipart/form-data")
        ? await multipartUpload(c.req.raw, query)
        : rawUpload(c.req.raw, query);
      refuseDeclaredOversize(c.req.raw, deps.config.maxUploadBytes);
      const org = await asCaller(deps, c, async (tx) => {
        const id = await callerOrg(tx);
        await tx`select internal.require_member(${id})`;
        return id;
      });
      const staged = await stageStream(deps.store, {
        org,
        purpose,
        filename,
        body,
        maxBytes: deps.config.maxUploadBytes,
      });
      const result = await asCaller(deps, c, (tx) => fileStaged(tx, deps.store, staged));
      return answer(result.created ? 201 : 200, fileToWire(result.file));
    }),

    route(FileRoutes.createUpload, async ({ c, body }) => {
      if (body.bytes > deps.config.maxUploadBytes)
        throw new ApiError(413, "payload_too_large", `the file exceeds ${deps.config.maxUploadBytes} bytes`);
      // A dataset needs at least one row (DatasetValidator refuses an empty one at completion); say
      // so now, before the client uploads nothing and learns it only after. Other purposes may be
      // empty: an empty `__init__.py` is a real job file.
      if (body.bytes === 0 && hasContentRules(body.purpose))
        throw new ApiError(400, "invalid_request", `a ${body.purpose} dataset cannot be empty`, [
          { path: "bytes", message: "must be at least 1 for a dataset" },
        ]);
      const result = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        await tx`select internal.require_member(${org})`;
        const fileId = fileIdFromOrgHash(body.purpose, body.org_sha256);
        // Scoped to the caller's organization: ids are unique per organization only, so what another
        // organization filed can neither block this upload nor be detected by it.
        const [existing] =
          await tx`select id from public.files where organization_id = ${org} and id = ${fileId}`;
        if (existing) return { file_id: fileId, upload_url: null, upload_id: null, expires_at: null };
        const staging = stagingKey(org, crypto.randomUUID());
        const pending = {
          org,
          file_id: fileId,
          purpose: body.purpose,
          filename: body.filename,
          bytes: body.bytes,
          sha256: body.sha256,
          staging,
        };
        const uploadId = await deps.signer.sign({ upload: pending }, UPLOAD_TICKET_SECONDS);
        const url = await deps.store.signedUploadUrl(staging, UPLOAD_TICKET_SECONDS);
        return {
          file_id: fileId,
          upload_url: url,
          upload_id: uploadId,
          expires_at: new Date(Date.now() + UPLOAD_TICKET_SECONDS * 1000).toISOString(),
        };
      });
      return answer(201, result);
    }),

    // The documented path names the file; the bare path is kept for clients of the first version.
    route(FileRoutes.completeUpload, async ({ c, params, body }) => {
      const result = await completeUpload(deps, c, body.upload_id);
      if (params.file_id !== result.id)
        throw new ApiError(400, "invalid_request", "the upload_id is for another file", [
          { path: "file_id", message: "does not match upload_id" },
        ]);
      return answer(result.created ? 201 : 200, result.file);
    }),
    route(FileRoutes.completeUploadUnnamed, async ({ c, body }) => {
      const result = await completeUpload(deps, c, body.upload_id);
      return answer(result.created ? 201 : 200, result.file);
    }),

    route(FileRoutes.list, async ({ c, query: q }) => {
      const cursor = decodeCursor(q.cursor);
      const rows = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        return tx.unsafe(
          // job_id/run_id: the run that uploaded it as a result (its first `file` event), else null.
          `select ${FILE_COLUMNS}, p.job_id, p.run_id from public.files f
           left join lateral (select e.job_id, e.run_id from public.events e
             where e.organization_id = f.organization_id and e.type = 'file' and e.data ->> 'file_id' = f.id
             order by e.id limit 1) p on true
           where f.organization_id = $1 and ($2::text is null or f.purpose = $2)
           and ($3::timestamptz is null or (f.created_at, f.id) < ($3::timestamptz, $4::text))
           order by f.created_at desc, f.id desc limit $5`,
          [org, q.purpose ?? null, cursor?.t ?? null, cursor?.id ?? "", q.limit + 1],
        );
      });
      return page(rows, q.limit, fileToWire);
    }),

    route(FileRoutes.retrieve, async ({ c, params }) => fileToWire(await findFile(deps, c, params.id))),

    route(FileRoutes.content, async ({ c, params }) =>
      fileContentResponse(deps.store, await findFile(deps, c, params.id), c.get("requestId")),
    ),

    route(FileRoutes.delete, async ({ c, params }) => {
      const deleted = await asCaller(
        deps,
        c,
        (tx) =>
          tx<{ organization_id: string; id: string }[]>`delete from public.files
            where organization_id = internal.caller_org() and id = ${params.id} returning organization_id, id`,
      );
      const row = deleted[0];
      if (!row) throw notFound("file");
      await deps.store.delete(objectKey(row.organization_id, row.id));
      return { id: params.id, deleted: true as const };
    }),
  ];
}

/** Files what was PUT to a signed upload URL, once its size (and a dataset's rows) check out. */
async function completeUpload(deps: ApiDeps, c: ApiContext, uploadId: string) {
  const claims = await deps.signer.verify(uploadId).catch(() => {
    throw new ApiError(400, "invalid_request", "upload_id is not valid or has expired", [
      { path: "upload_id", message: "invalid" },
    ]);
  });
  const pending = parseWith(PendingUpload, claims.upload, "upload_id");
  const result = await asCaller(deps, c, async (tx) => {
    const org = await callerOrg(tx);
    if (org !== pending.org)
      throw new ApiError(403, "forbidden", "this upload belongs to another organization");
    await tx`select internal.require_member(${org})`;
    const stored = await deps.store.stat(pending.staging);
    if (!stored)
      throw new ApiError(409, "conflict", "nothing was uploaded to the signed URL (or the upload expired)", [
        { path: "upload_id", message: "no uploaded object" },
      ]);
    if (stored.bytes !== pending.bytes) {
      await deps.store.delete(pending.staging);
      throw new ApiError(
        400,
        "invalid_request",
        `uploaded ${stored.bytes} bytes but declared ${pending.bytes}`,
        [{ path: "bytes", message: "size mismatch" }],
      );
    }
    if (hasContentRules(pending.purpose)) await validateStored(deps, pending.staging, pending.purpose);
    return fileStaged(tx, deps.store, { ...pending, id: pending.file_id });
  });
  const file = fileToWire(result.file);
  return { id: file.id, file, created: result.created };
}

async function findFile(deps: ApiDeps, c: ApiContext, id: string): Promise<Row> {
  const rows = await asCaller(deps, c, (tx) =>
    tx.unsafe(
      `select ${FILE_COLUMNS} from public.files where organization_id = internal.caller_org() and id = $1`,
      [id],
    ),
  );
  if (!rows[0]) throw notFound("file");
  return rows[0];
}

type UploadQuery = { purpose?: string | undefined; filename?: string | undefined };

function rawUpload(request: Request, query: UploadQuery) {
  const { purpose, filename } = parseWith(FileUploadQuery, query, "query");
  if (!request.body)
    throw new ApiError(400, "invalid_request", "the request has no body", [
      { path: "body", message: "required" },
    ]);
  return { purpose, filename, body: request.body };
}

async function multipartUpload(request: Request, query: UploadQuery) {
  const length = Number(request.headers.get("content-length") ?? "NaN");
  if (!(length <= MULTIPART_MAX_BYTES)) {
    throw new ApiError(
      413,
      "payload_too_large",
      `multipart uploads need a content-length of at most ${MULTIPART_MAX_BYTES} bytes; send larger files as a raw body`,
    );
  }
  const form = await request.formData().catch(() => {
    throw new ApiError(400, "invalid_request", "the multipart body could not be parsed", [
      { path: "body", message: "malformed multipart" },
    ]);
  });
  const file = form.get("file");
  if (!(file instanceof Blob))
    throw new ApiError(400, "invalid_request", "the multipart body needs a `file` part", [
      { path: "file", message: "required" },
    ]);
  const fields = {
    purpose: String(form.get("purpose") ?? query.purpose ?? ""),
    filename: String(form.get("filename") ?? query.filename ?? ((file as File).name || "upload")),
  };
  const { purpose, filename } = parseWith(FileUploadQuery, fields, "form");
  return { purpose, filename, body: file.stream() };
}

async function validateStored(
  deps: ApiDeps,
  key: string,
  purpose: "conversations" | "preference",
): Promise<void> {
  const stream = await deps.store.get(key);
  if (!stream) throw notFound("uploaded content");
  const validator = new DatasetValidator(purpose);
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) validator.feed(chunk);
  const verdict = validator.finish();
  if (!verdict.ok) {
    await deps.store.delete(key);
    throw invalidFile(purpose, verdict.errors);
  }
}
