import { checkDatasetLine, type DatasetPurpose, type LineError } from "./dataset-rules.ts";

/**
 * Validates a JSONL dataset incrementally: feed it byte chunks as they stream by, then call
 * finish(). Keeps only the first few errors; memory stays bounded by the longest line.
 */
export class DatasetValidator {
  readonly errors: LineError[] = [];
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private pending = "";
  private line = 0;
  private rows = 0;
  private blankRun: number[] = [];

  constructor(
    private readonly purpose: DatasetPurpose,
    private readonly maxErrors = 20,
    private readonly maxLineChars = 50_000_000,
  ) {}

  feed(chunk: Uint8Array): void {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      this.fail({ line: this.line + 1, message: "not valid UTF-8" });
      return;
    }
    this.pending += text;
    let newline = this.pending.indexOf("\n");
    while (newline >= 0) {
      this.onLine(this.pending.slice(0, newline).replace(/\r$/, ""));
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf("\n");
    }
    if (this.pending.length > this.maxLineChars)
      this.fail({ line: this.line + 1, message: "line is too long" });
  }

  finish(): { ok: boolean; rows: number; errors: LineError[] } {
    if (this.pending.length > 0) this.onLine(this.pending.replace(/\r$/, ""));
    this.pending = "";
    // Trailing blank lines are allowed; blank lines between rows are not (handled in onLine).
    if (this.rows === 0 && this.errors.length === 0) this.fail({ line: 1, message: "the file has no rows" });
    return { ok: this.errors.length === 0, rows: this.rows, errors: this.errors };
  }

  private onLine(text: string): void {
    this.line += 1;
    if (this.errors.length >= this.maxErrors) return;
    if (text.trim() === "") {
      this.blankRun.push(this.line);
      return;
    }
    for (const blank of this.blankRun) this.fail({ line: blank, message: "blank line between rows" });
    this.blankRun = [];
    this.rows += 1;
    const error = checkDatasetLine(this.purpose, text, this.line);
    if (error) this.fail(error);
  }

  private fail(error: LineError): void {
    if (this.errors.length < this.maxErrors) this.errors.push(error);
  }
}
