/**
 * Colours only for a person at a terminal: off when the stream is not a TTY (a pipe, a file),
 * under NO_COLOR (https://no-color.org) or TERM=dumb.
 */
import { inspect } from "node:util";

type Style = "dim" | "red" | "green" | "yellow" | "cyan" | "bold";

export function colourEnabled(stream: { isTTY?: boolean }): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

export function paint(stream: { isTTY?: boolean }, style: Style, text: string): string {
  // The escape codes util.inspect uses; styleText in newer Node checks process.stdout, not `stream`.
  const [open, close] = inspect.colors[style] ?? [0, 0];
  return colourEnabled(stream) ? `\u001b[${open}m${text}\u001b[${close}m` : text;
}

const STATUS_STYLE: Record<string, Style> = {
  completed: "green",
  failed: "red",
  canceled: "dim",
  pending: "yellow",
  in_progress: "cyan",
};

export function paintStatus(stream: { isTTY?: boolean }, status: string): string {
  const style = STATUS_STYLE[status];
  return style ? paint(stream, style, status) : status;
}
