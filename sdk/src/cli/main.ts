#!/usr/bin/env node
/** The `ow` binary: wires process I/O and signals to the program. */
import { EXIT } from "./command.ts";
import { onInterrupt } from "./context.ts";
import { describeError, main } from "./program.ts";

const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
let interrupted = false;
process.on("SIGINT", () => {
  // A second Ctrl-C (e.g. during the question) leaves at once.
  if (interrupted) process.exit(EXIT.interrupted);
  interrupted = true;
  onInterrupt(io).finally(() => process.exit(EXIT.interrupted));
});
// `ow ls | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${describeError(error)}\n`);
    process.exitCode = EXIT.failed;
  },
);
