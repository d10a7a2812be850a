import { checkDatasetLine, type DatasetPurpose, type LineError } from "./datasets.ts";

const NEWLINE = 0x0a;

/**
 * Validates a JSONL dataset incrementally against the rules in datasets.ts: feed it byte chunks
 * as they stream by, then call finish(). Lines are split on bytes and each line is decoded on its
 * own, so an invalid UTF-8 sequence is reported on its own line wherever the chunks were cut.
 * Keeps only the first `maxErrors` errors; memory stays bounded by the longest line.
 */
export class DatasetValidator {
  readonly errors: LineError[] = [];
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private tooLong = false;
  private line = 0;
  private rows = 0;
  private blankRun: number[] = [];

  constructor(
    private readonly purpose: DatasetPurpose,
    private readonly maxErrors = 20,
    private readonly maxLineBytes = 50_000_000,
  ) {}

  feed(chunk: Uint8Array): void {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline >= 0) {
      this.take(chunk.subarray(start, newline));
      this.endLine();
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) this.take(chunk.slice(start));
  }

  finish(): { ok: boolean; rows: number; errors: LineError[] } {
    if (this.pendingBytes > 0 || this.tooLong) this.endLine();
    // Blank lines after the last row are allowed (blankRun is simply dropped).
    if (this.rows === 0 && this.errors.length === 0) this.fail({ line: 1, message: "the file has no rows" });
    return { ok: this.errors.length === 0, rows: this.rows, errors: this.errors };
  }

  private take(bytes: Uint8Array): void {
    if (this.tooLong || bytes.length === 0) return;
    if (this.pendingBytes + bytes.length > this.maxLineBytes) {
      this.tooLong = true;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
  }

  private endLine(): void {
    this.line += 1;
    const bytes =
      this.pending.length === 1 ? (this.pending[0] as Uint8Array) : concat(this.pending, this.pendingBytes);
    const tooLong = this.tooLong;
    this.pending = [];
    this.pendingBytes = 0;
    this.tooLong = false;
    if (this.errors.length >= this.maxErrors) return;
    if (tooLong) {
      this.row({ line: this.line, message: "line is too long" });
      return;
    }
    let text: string;
    try {
      text = this.decoder.decode(bytes).replace(/\r$/, "");
    } catch {
      this.row({ line: this.line, message: "not valid UTF-8" });
      return;
    }
    if (text.trim() === "") {
      // Blank lines before the first row are ignored; those between rows are reported once a row follows.
      if (this.rows > 0) this.blankRun.push(this.line);
      return;
    }
    this.row(checkDatasetLine(this.purpose, text, this.line));
  }

  /** Counts a non-blank line (valid or not), reporting the blank lines that preceded it. */
  private row(error: LineError | null): void {
    for (const blank of this.blankRun) this.fail({ line: blank, message: "blank line between rows" });
    this.blankRun = [];
    this.rows += 1;
    if (error) this.fail(error);
  }

  private fail(error: LineError): void {
    if (this.errors.length < this.maxErrors) this.errors.push(error);
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
