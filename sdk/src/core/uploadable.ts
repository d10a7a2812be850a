/**
 * Everything the SDK can upload, reduced to one shape: a name, a size when known, and a way to
 * read the bytes as a stream of chunks (again, when the source allows it).
 */
export interface UploadSource {
  readonly filename: string;
  /** Bytes, when known up front (paths, Blobs, buffers); undefined for streams. */
  readonly size: number | undefined;
  /** False for one-shot streams: they can be neither retried nor read twice. */
  readonly replayable: boolean;
  open(): AsyncIterable<Uint8Array>;
}

export type Uploadable =
  | UploadSource
  | Blob
  | Uint8Array
  | ArrayBuffer
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

const CHUNK = 1 << 20;

export function isUploadSource(value: unknown): value is UploadSource {
  return typeof value === "object" && value !== null && "open" in value && "replayable" in value;
}

export function toUploadSource(file: Uploadable, filename?: string): UploadSource {
  if (isUploadSource(file)) return filename ? { ...file, filename, open: () => file.open() } : file;
  if (typeof Blob !== "undefined" && file instanceof Blob) {
    const name = filename ?? ("name" in file && typeof file.name === "string" ? file.name : "upload.bin");
    return { filename: name, size: file.size, replayable: true, open: () => iterateStream(file.stream()) };
  }
  if (file instanceof Uint8Array || file instanceof ArrayBuffer) {
    const bytes = file instanceof Uint8Array ? file : new Uint8Array(file);
    return {
      filename: filename ?? "upload.bin",
      size: bytes.byteLength,
      replayable: true,
      open: () => sliceBytes(bytes),
    };
  }
  const stream = file as ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;
  let used = false;
  const once = () => {
    if (used) throw new Error("This upload stream was already read; pass a Blob, bytes or a path to retry.");
    used = true;
    return stream instanceof ReadableStream ? iterateStream(stream) : stream;
  };
  return { filename: filename ?? "upload.bin", size: undefined, replayable: false, open: once };
}

async function* sliceBytes(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += CHUNK)
    yield bytes.subarray(offset, offset + CHUNK);
}

export async function* iterateStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

export interface Progress {
  phase: "hashing" | "uploading";
  loaded: number;
  total: number | undefined;
}

/**
 * A pull-driven request body: each chunk is hashed and counted as fetch asks for it, so the file
 * is read once, at the network's pace, and memory stays at a chunk or two.
 */
export function hashingBody(
  chunks: AsyncIterable<Uint8Array>,
  hash: { update(chunk: Uint8Array): unknown },
  onChunk: (bytes: number) => void,
): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) return controller.close();
        hash.update(next.value);
        onChunk(next.value.byteLength);
        controller.enqueue(next.value);
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 1 },
  );
}
