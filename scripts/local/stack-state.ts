// What the local stack keeps under .openweights/ between restarts: its generated keys (so tokens
// and encrypted secrets stay valid), the default organization's token, and a lock naming the
// running instance so a second `npm start` can say so instead of failing obscurely.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface StackKeys {
  jwtSecret: string;
  secretsKey: string;
  scaleSecret: string;
  podAgentToken: string;
}

export interface StackCredentials {
  organizationId: string;
  token: string;
}

export interface RunningStack {
  pid: number;
  url: string;
  dashboardUrl: string | null;
  startedAt: string;
}

export class StackState {
  constructor(readonly dir: string) {
    // Traversable (0755) so the postgres OS user reaches the data directory inside; the files that
    // hold keys and tokens are written 0600.
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
  }

  keys(): StackKeys {
    return this.readOrCreate("keys.json", () => ({
      jwtSecret: randomBytes(32).toString("hex"),
      secretsKey: randomBytes(32).toString("base64"),
      scaleSecret: randomBytes(24).toString("hex"),
      podAgentToken: randomBytes(24).toString("hex"),
    }));
  }

  credentials(): StackCredentials | null {
    return this.read<StackCredentials>("credentials.json");
  }

  saveCredentials(credentials: StackCredentials): void {
    this.write("credentials.json", credentials);
  }

  /** The instance that holds the lock, if its process is still alive. */
  running(): RunningStack | null {
    const lock = this.read<RunningStack>("stack.lock.json");
    if (!lock) return null;
    try {
      process.kill(lock.pid, 0);
      return lock;
    } catch {
      return null; // stale lock of a crashed run
    }
  }

  lock(entry: RunningStack): void {
    this.write("stack.lock.json", entry);
  }

  unlock(): void {
    rmSync(join(this.dir, "stack.lock.json"), { force: true });
  }

  private read<T>(name: string): T | null {
    const path = join(this.dir, name);
    if (!existsSync(path)) return null;
    try {
      return JSON.parse(readFileSync(path, "utf8")) as T;
    } catch {
      return null;
    }
  }

  private write(name: string, value: unknown): void {
    writeFileSync(join(this.dir, name), `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  }

  private readOrCreate<T>(name: string, create: () => T): T {
    const existing = this.read<T>(name);
    if (existing) return existing;
    const value = create();
    this.write(name, value);
    return value;
  }
}
