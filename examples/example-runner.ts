// Shared by the examples: a client from the environment (OPENWEIGHTS_API_URL / _API_KEY), and a
// "validate" mode (OW_EXAMPLE_VALIDATE=1, used by the tests against the local stack) in which the
// GPU examples submit, check what the server stored, and cancel instead of waiting for a GPU.
import { OpenWeights } from "../sdk/src/node/index.ts";

export interface ExampleContext {
  ow: OpenWeights;
  validateOnly: boolean;
  log: (line: string) => void;
}

export type Example = (ctx: ExampleContext) => Promise<void>;

export function runIfMain(meta: ImportMeta, example: Example): void {
  if (meta.url !== `file://${process.argv[1]}`) return;
  const ctx = {
    ow: new OpenWeights(),
    validateOnly: process.env.OW_EXAMPLE_VALIDATE === "1",
    log: (l: string) => console.log(l),
  };
  example(ctx).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
