#!/usr/bin/env node
/** The `ow` binary: wires process I/O and signals to the program. */
import { EXIT } from "./command.ts";
import { describeError, main } from "./program.ts";

process.on("SIGINT", () => process.exit(EXIT.interrupted));
main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${describeError(error)}\n`);
    process.exitCode = EXIT.failed;
  },
);
