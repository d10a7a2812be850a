// Turns log chunks into display lines. A progress bar (tqdm and friends) rewrites its line with
// carriage returns, so one stored line can hold hundreds of states: only the last one is shown.
// ANSI colours become HTML through ansi-to-html, escaping everything else.
import AnsiToHtml from "ansi-to-html";

export interface DisplayLine {
  /** 1-based position in the run's output. */
  n: number;
  stream: "stdout" | "stderr";
  text: string;
}

interface Chunk {
  streams: string;
  lines: string[];
}

/** The state a carriage-return-rewritten line ends in (its last non-empty segment). */
export function collapseCarriageReturns(line: string): string {
  if (!line.includes("\r")) return line;
  const segments = line.split("\r");
  for (let i = segments.length - 1; i >= 0; i--) if (segments[i] !== "") return segments[i]!;
  return "";
}

export function displayLines(chunks: readonly Chunk[]): DisplayLine[] {
  const out: DisplayLine[] = [];
  for (const chunk of chunks)
    chunk.lines.forEach((line, i) => {
      out.push({
        n: out.length + 1,
        stream: chunk.streams[i] === "e" ? "stderr" : "stdout",
        text: collapseCarriageReturns(line),
      });
    });
  return out;
}

const converter = new AnsiToHtml({ escapeXML: true, stream: false, fg: "#e6e6e6", bg: "#111" });

export function ansiToHtml(text: string): string {
  return converter.toHtml(text);
}

/** Strips ANSI escape sequences (for search). */
export function plainText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ESC is the point
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "");
}
