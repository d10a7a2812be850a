/** files upload | ls | get | fetch. */
import { statSync } from "node:fs";
import { FilePurpose } from "@contract";
import { writeResponseToFile } from "../../node/index.ts";
import { UsageError } from "../args.ts";
import {
  type Command,
  EXIT,
  intFlag,
  noExtraPositionals,
  positional,
  requiredFlag,
  stringFlag,
} from "../command.ts";
import { collect, formatBytes, makeClient, printJson, printTable } from "../context.ts";
import { startSpinner } from "../spinner.ts";

const purposes = FilePurpose.options;

export const filesUpload: Command = {
  path: ["files", "upload"],
  summary: "upload a file (datasets are validated locally first)",
  args: "<path>",
  flags: {
    purpose: { type: "string", choices: purposes, description: "what the file is for" },
    validate: {
      type: "boolean",
      description: "check dataset content before uploading (default on; --no-validate)",
    },
  },
  async run(parsed, io) {
    const path = positional(parsed, 0, "path");
    noExtraPositionals(parsed, 1);
    const purpose = requiredFlag(parsed, "purpose");
    const spinner = startSpinner(io.stderr, `uploading ${path}`);
    try {
      const file = await makeClient().files.upload(path, purpose, {
        validate: parsed.flags.validate !== false,
        onProgress: (p) =>
          spinner.update(
            `${p.phase} ${path} ${formatBytes(p.loaded)}${p.total ? ` / ${formatBytes(p.total)}` : ""}`,
          ),
      });
      spinner.stop();
      if (parsed.flags.json) printJson(io, file);
      else io.stdout.write(`${file.id}\n`);
      return EXIT.ok;
    } finally {
      spinner.stop();
    }
  },
};

export const filesList: Command = {
  path: ["files", "ls"],
  summary: "list files",
  flags: {
    purpose: { type: "string", choices: purposes, description: "only this purpose" },
    limit: { type: "int", min: 1, description: "at most this many (default 50)" },
  },
  async run(parsed, io) {
    noExtraPositionals(parsed, 0);
    const limit = intFlag(parsed, "limit") ?? 50;
    const files = await collect(
      makeClient().files.list({
        purpose: FilePurpose.optional().parse(stringFlag(parsed, "purpose")),
        limit: Math.min(limit, 1000),
      }),
      limit,
    );
    if (parsed.flags.json) printJson(io, files);
    else
      printTable(
        io,
        ["ID", "BYTES", "CREATED", "JOB", "FILENAME"],
        files.map((f) => [f.id, String(f.bytes), f.created_at, f.job_id ?? "-", f.filename]),
      );
    return EXIT.ok;
  },
};

export const filesGet: Command = {
  path: ["files", "get"],
  summary: "show a file's metadata",
  args: "<file-id>",
  flags: {},
  async run(parsed, io) {
    const id = positional(parsed, 0, "file-id");
    noExtraPositionals(parsed, 1);
    const file = await makeClient().files.retrieve(id);
    if (parsed.flags.json) printJson(io, file);
    else
      printTable(
        io,
        ["ID", "PURPOSE", "BYTES", "SHA256", "FILENAME"],
        [[file.id, file.purpose, String(file.bytes), file.sha256, file.filename]],
      );
    return EXIT.ok;
  },
};

export const filesFetch: Command = {
  path: ["files", "fetch"],
  summary: "download a file's bytes to stdout or --output",
  args: "<file-id>",
  flags: {
    output: { type: "string", short: "o", placeholder: "path", description: "write here instead of stdout" },
  },
  async run(parsed, io) {
    const id = positional(parsed, 0, "file-id");
    noExtraPositionals(parsed, 1);
    const output = stringFlag(parsed, "output");
    // stdout holds either the file's bytes or JSON, never both
    if (parsed.flags.json && !output)
      throw new UsageError("--json needs --output (without it the file's bytes go to stdout)");
    const response = await makeClient().files.content(id);
    if (output) {
      await writeResponseToFile(response, output);
      if (parsed.flags.json) printJson(io, { id, path: output, bytes: statSync(output).size });
    } else if (response.body) for await (const chunk of response.body) io.stdout.write(chunk);
    return EXIT.ok;
  },
};
