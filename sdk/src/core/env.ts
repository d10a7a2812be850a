/** Environment lookup that works in Node, Deno and browsers (where there is none). */
interface DenoLike {
  env: { get(name: string): string | undefined };
}

export function readEnv(name: string): string | undefined {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> }; Deno?: DenoLike };
  const fromProcess = g.process?.env?.[name];
  if (fromProcess !== undefined) return fromProcess.trim() || undefined;
  try {
    return g.Deno?.env.get(name)?.trim() || undefined;
  } catch {
    return undefined; // Deno without --allow-env
  }
}
