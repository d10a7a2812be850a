/**
 * Files are content-addressed (`{purpose}:file-{sha256(content + org)[:12]}`). Small files go up
 * in one streamed request, hashed on the way; large re-readable files use the signed-URL flow,
 * which also skips the upload entirely when the server already has the bytes.
 */
import { CreateUploadResponse, type FileListQuery, FileObject } from "@contract";
import { FileValidationError, IntegrityError } from "../core/errors.ts";
import type { ListParams } from "../core/list-params.ts";
import type { PagePromise } from "../core/pagination.ts";
import { parseTolerant } from "../core/parse.ts";
import { sha256Factory, sha256WithSuffix } from "../core/sha256.ts";
import {
  hashingBody,
  type Progress,
  toUploadSource,
  type Uploadable,
  type UploadSource,
} from "../core/uploadable.ts";
import { hasDatasetRules, validateDataset, validateDatasetStream } from "../validation/datasets.ts";
import { APIResource, type CallOptions, pathPart } from "./resource.ts";

export type { FileObject } from "@contract";

/** Files at least this big (and re-readable) use the signed-URL upload. */
export const LARGE_FILE_THRESHOLD = 32 * 1024 * 1024;
/** Uploads get their own, longer timeout: a 2 GB file on a slow link takes a while. */
export const UPLOAD_TIMEOUT_MS = 60 * 60 * 1000;

export interface FileCreateParams extends CallOptions {
  file: Uploadable;
  purpose: string;
  filename?: string;
  /** Check conversations/preference content locally first (default true; streams are checked by the server). */
  validate?: boolean;
  onProgress?: (progress: Progress) => void;
  /** Override the size at which the signed-URL flow is used (0 = always, when possible). */
  largeFileThreshold?: number;
}

export type FileListParams = ListParams<typeof FileListQuery>;

export class Files extends APIResource {
  async create(params: FileCreateParams): Promise<FileObject> {
    const source = toUploadSource(params.file, params.filename);
    if (params.validate !== false && hasDatasetRules(params.purpose) && source.replayable) {
      const issues = await validateDatasetStream(params.purpose, source.open());
      if (issues.length > 0) throw new FileValidationError(params.purpose, issues);
    }
    const threshold = params.largeFileThreshold ?? LARGE_FILE_THRESHOLD;
    if (source.replayable && source.size !== undefined && source.size >= threshold) {
      const { fileId, file } = await this.signedUpload(source, params);
      return file ?? this.retrieve(fileId, { signal: params.signal });
    }
    return this.createDirect(source, params);
  }

  /**
   * Makes sure the server holds these bytes and returns the file id. Known content costs one
   * hash pass and one small request — this is what makes resubmitting a job with mounts cheap.
   */
  async ensure(file: Uploadable, purpose: string, signal?: AbortSignal): Promise<string> {
    const source = toUploadSource(file);
    if (!source.replayable || source.size === undefined)
      return (await this.create({ file: source, purpose, signal })).id;
    return (await this.signedUpload(source, { purpose, signal })).fileId;
  }

  /** Node entry only: upload a local file by path. */
  async upload(path: string, purpose: string, options: Omit<FileCreateParams, "file" | "purpose"> = {}) {
    return this.create({ ...options, file: await this.core.platform.openPath(path), purpose });
  }

  /** Local dataset checks, without uploading. Returns issues (empty when valid). */
  validate(purpose: string, content: string | Uint8Array) {
    return validateDataset(purpose, content);
  }

  retrieve(fileId: string, options: CallOptions = {}): Promise<FileObject> {
    return this.getFile(`/api/files/${pathPart(fileId)}`, options);
  }

  list(params: FileListParams = {}, options: CallOptions = {}): PagePromise<FileObject> {
    return this.listOf("/api/files", FileObject, { ...params }, options);
  }

  /** The raw bytes as a Response (follows the server's redirect to a signed URL). */
  content(fileId: string, options: CallOptions = {}): Promise<Response> {
    return this.core.http.send({ ...options, method: "GET", path: `/api/files/${pathPart(fileId)}/content` });
  }

  /**
   * Saves a file's bytes to a local path (Node), streaming; `onProgress` gets the bytes written so
   * far and the file's size. Returns the bytes written.
   */
  async download(
    fileId: string,
    path: string,
    options: CallOptions & { onProgress?: (p: { written: number; total: number | null }) => void } = {},
  ): Promise<number> {
    const { onProgress, ...call } = options;
    const response = await this.content(fileId, call);
    const length = Number(response.headers.get("content-length") ?? Number.NaN);
    const total = Number.isFinite(length) ? length : null;
    return this.core.platform.saveFile(path, response, (written) => onProgress?.({ written, total }));
  }

  delete(fileId: string, options: CallOptions = {}): Promise<{ deleted: boolean }> {
    return this.core.http.json({ ...options, method: "DELETE", path: `/api/files/${pathPart(fileId)}` });
  }

  private orgId: Promise<string> | undefined;

  /** The file id hashes content ‖ organization id, so the signed-upload flow needs the org. */
  private organizationId(signal?: AbortSignal): Promise<string> {
    this.orgId ??= this.core.http
      .json<{ organization?: { id?: string } }>({ method: "GET", path: "/api/me", signal })
      .then((me) => {
        if (!me.organization?.id) throw new Error("GET /api/me returned no organization id");
        return me.organization.id;
      });
    this.orgId.catch(() => {
      this.orgId = undefined;
    });
    return this.orgId;
  }

  private async getFile(path: string, options: CallOptions & { method?: "GET" | "POST" }) {
    const body = await this.core.http.json<unknown>({ ...options, method: options.method ?? "GET", path });
    return parseTolerant(FileObject, body);
  }

  private async createDirect(source: UploadSource, params: FileCreateParams): Promise<FileObject> {
    const newHash = await sha256Factory();
    let hash = newHash();
    const report = progressReporter("uploading", source.size, params.onProgress);
    const body = await this.core.http.json<unknown>({
      method: "POST",
      path: "/api/files",
      query: { purpose: params.purpose, filename: source.filename },
      replayable: source.replayable,
      timeout: params.timeout ?? UPLOAD_TIMEOUT_MS,
      maxRetries: params.maxRetries,
      signal: params.signal,
      rawBody: () => {
        // a retry re-reads the source from the start, so it starts a fresh hash too
        report.reset();
        hash = newHash();
        return hashingBody(source.open(), hash, report.add);
      },
    });
    const file = parseTolerant(FileObject, body);
    checkIntegrity(file, hash.digestHex());
    return file;
  }

  /** `file` is undefined when the server already had the bytes. */
  private async signedUpload(
    source: UploadSource,
    params: Omit<FileCreateParams, "file">,
  ): Promise<{ fileId: string; file?: FileObject }> {
    const hashing = progressReporter("hashing", source.size, params.onProgress);
    const organizationId = await this.organizationId(params.signal);
    const { sha256, withSuffix: org_sha256 } = await sha256WithSuffix(
      counted(source.open(), hashing.add),
      organizationId,
    );
    const plan = parseTolerant(
      CreateUploadResponse,
      await this.core.http.json<unknown>({
        method: "POST",
        path: "/api/files/uploads",
        body: { purpose: params.purpose, filename: source.filename, bytes: source.size, sha256, org_sha256 },
        signal: params.signal,
      }),
    );
    if (plan.upload_url === null) return { fileId: plan.file_id };
    const uploading = progressReporter("uploading", source.size, params.onProgress);
    const put = await this.core.http.send({
      method: "PUT",
      path: new URL(plan.upload_url, this.core.http.config.baseURL).toString(),
      auth: false,
      timeout: params.timeout ?? UPLOAD_TIMEOUT_MS,
      signal: params.signal,
      rawBody: () => {
        uploading.reset();
        return hashingBody(source.open(), { update: () => {} }, uploading.add);
      },
    });
    await put.body?.cancel(); // free the connection; the answer that matters comes from /complete
    const file = parseTolerant(
      FileObject,
      await this.core.http.json<unknown>({
        method: "POST",
        path: `/api/files/uploads/${pathPart(plan.file_id)}/complete`,
        body: { upload_id: plan.upload_id },
        signal: params.signal,
      }),
    );
    checkIntegrity(file, sha256);
    return { fileId: file.id, file };
  }
}

function checkIntegrity(file: FileObject, sha256: string): void {
  if (typeof file.sha256 === "string" && file.sha256 !== sha256) {
    throw new IntegrityError(`server stored sha256 ${file.sha256} for ${file.id}, but we sent ${sha256}`);
  }
}

function progressReporter(
  phase: Progress["phase"],
  total: number | undefined,
  onProgress?: (p: Progress) => void,
) {
  let loaded = 0;
  return {
    reset: () => {
      loaded = 0;
    },
    add: (bytes: number) => {
      loaded += bytes;
      onProgress?.({ phase, loaded, total });
    },
  };
}

async function* counted(
  chunks: AsyncIterable<Uint8Array>,
  add: (n: number) => void,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    add(chunk.byteLength);
    yield chunk;
  }
}
