import { StringDecoder } from "node:string_decoder";

/**
 * Turns a byte stream into lines. `\n`, `\r\n` and a lone `\r` all end a line, as in Python's
 * universal newlines — progress bars (tqdm) redraw with `\r`, and each redraw becomes a line
 * instead of one endless one. A line longer than `maxChars` is emitted in pieces as it arrives,
 * so one runaway line cannot hold unbounded memory.
 */
export class LineSplitter {
  readonly #decoder = new StringDecoder("utf8");
  readonly #maxChars: number;
  #partial = "";
  #afterCr = false;

  constructor(maxChars: number) {
    this.#maxChars = maxChars;
  }

  push(chunk: Buffer | string): string[] {
    const text = typeof chunk === "string" ? chunk : this.#decoder.write(chunk);
    const lines: string[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (c === 10 && this.#afterCr && i === start && this.#partial === "") {
        // the `\n` of a `\r\n` that straddled two chunks
        this.#afterCr = false;
        start = i + 1;
        continue;
      }
      this.#emit(this.#partial + text.slice(start, i), lines);
      this.#partial = "";
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      this.#afterCr = c === 13 && i === text.length - 1;
      start = i + 1;
    }
    if (start < text.length) {
      this.#afterCr = false;
      this.#partial += text.slice(start);
      while (this.#partial.length > this.#maxChars) {
        const cut = safeCut(this.#partial, this.#maxChars);
        lines.push(this.#partial.slice(0, cut));
        this.#partial = this.#partial.slice(cut);
      }
    }
    return lines;
  }

  /** The unterminated rest, once the stream has ended. */
  end(): string[] {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = "";
    const lines: string[] = [];
    if (rest !== "") this.#emit(rest, lines);
    return lines;
  }

  #emit(line: string, into: string[]): void {
    let rest = line;
    while (rest.length > this.#maxChars) {
      const cut = safeCut(rest, this.#maxChars);
      into.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    into.push(rest);
  }
}

/** A cut position ≤ max that does not split a UTF-16 surrogate pair. */
function safeCut(text: string, max: number): number {
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}
