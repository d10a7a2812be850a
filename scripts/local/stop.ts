// `npm stop`: stops the local stack that `npm start` runs, from another terminal. It sends the
// running instance (named by the lock in .openweights/) SIGTERM — the same orderly shutdown as
// Ctrl-C: workers, functions, then the database — and waits for it to exit.
import { join } from "node:path";
import { repoRoot } from "../db/migrate.ts";
import { StackState } from "./stack-state.ts";

const stateDir = process.env.OW_STATE_DIR ?? join(repoRoot, ".openweights");
const WAIT_MS = Number(process.env.OW_STOP_WAIT_MS ?? 120_000);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const running = new StackState(stateDir).running();
  if (!running) {
    console.log("OpenWeights is not running.");
    return 0;
  }
  console.log(`Stopping OpenWeights (pid ${running.pid}, ${running.url})…`);
  process.kill(running.pid, "SIGTERM");
  const deadline = Date.now() + WAIT_MS;
  while (alive(running.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (alive(running.pid)) {
    console.error(
      `It is still running after ${WAIT_MS / 1000} s; see its terminal (or: kill -9 ${running.pid}).`,
    );
    return 1;
  }
  console.log("Stopped.");
  return 0;
}

main().then((code) => process.exit(code));
