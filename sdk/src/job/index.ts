/** `openweights/job` — the helper a TypeScript job uses from the inside. */
export { PARAMS_FILE, run } from "./run.ts";
