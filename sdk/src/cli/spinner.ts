/** A one-line status on stderr, only when stderr is a terminal (pipes and CI logs stay clean). */
const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface Spinner {
  update(text: string): void;
  stop(finalText?: string): void;
}

export function startSpinner(stream: NodeJS.WritableStream & { isTTY?: boolean }, text: string): Spinner {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} };
  let current = text;
  let frame = 0;
  const draw = () => stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${current}`);
  const timer = setInterval(draw, 100);
  timer.unref();
  draw();
  return {
    update: (next) => {
      current = next;
    },
    stop: (finalText) => {
      clearInterval(timer);
      stream.write(`\r\x1b[2K${finalText ? `${finalText}\n` : ""}`);
    },
  };
}
