#!/usr/bin/env node
/** The `ow` binary: wires process I/O and signals to the program. */
import { EXIT } from "./command.ts";
import { describeError, main } from "./program.ts";

process.on("SIGINT", () => process.exit(EXIT.interrupted));
// `ow ls | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${describeError(error)}\n`);
    process.exitCode = EXIT.failed;
  },
);
