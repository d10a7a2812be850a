// `npm run bench:claim`: claim throughput of our queue against graphile-worker (unbatched) and a
// bare SKIP LOCKED loop, on one throwaway PostgreSQL cluster started here (system binaries when
// present, the same speed flags as the test clusters), in one migrated database. Every round
// refills N pending jobs outside the clock, then W claimers drain them (claim → complete). Rounds
// are interleaved (ours, graphile, bare, ours, …) so drift hits all three; medians are reported.
// Options: --jobs 20000 --workers 8 --rounds 3; --patch file.sql (repeatable) applies SQL after the
// migrations, to measure a candidate migration before it is written (the report says so).
import { mkdtempSync, readFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { startCluster } from "../db/cluster.ts";
import { migrate } from "../db/migrate.ts";
import { bare } from "./claim-bare.ts";
import type { Contender } from "./claim-contender.ts";
import { graphile } from "./claim-graphile.ts";
import { ours } from "./claim-ours.ts";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "20000" },
    workers: { type: "string", default: "8" },
    rounds: { type: "string", default: "3" },
    patch: { type: "string", multiple: true, default: [] },
  },
});
const JOBS = Number(values.jobs);
const WORKERS = Number(values.workers);
const ROUNDS = Number(values.rounds);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

async function main(): Promise<void> {
  const cluster = await startCluster({ dataDir: mkdtempSync(join(tmpdir(), "ow-bench-pg-")) });
  const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
  const contenders: Contender[] = [];
  try {
    await admin.unsafe("create database bench");
    const url = new URL(cluster.url);
    url.pathname = "/bench";
    await migrate(url.toString());
    for (const file of values.patch ?? []) {
      const db = postgres(url.toString(), { max: 1, onnotice: () => {} });
      await db.unsafe(readFileSync(file, "utf8"));
      await db.end();
      console.log(`applied patch ${file} (not a migration of this repository)`);
    }
    const [version] = await admin<{ v: string }[]>`select version() as v`;
    console.log(`postgres: ${cluster.kind} — ${version?.v}`);
    console.log(
      `node ${process.version}, ${cpus().length} cpu(s); ${JOBS} jobs, ${WORKERS} concurrent claimers, ${ROUNDS} rounds\n`,
    );

    contenders.push(ours(url.toString(), WORKERS), graphile(url.toString()), bare(url.toString()));
    for (const c of contenders) await c.setup();
    const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const c of contenders) {
        await c.fill(JOBS);
        const r = await c.drain(WORKERS);
        if (r.claimed !== JOBS) throw new Error(`${c.name} claimed ${r.claimed} of ${JOBS}`);
        const rate = r.claimed / r.seconds;
        rates.get(c.name)?.push(rate);
        console.log(
          `round ${round}  ${c.name.padEnd(36)} ${rate.toFixed(0).padStart(6)} claims/s  (${r.seconds.toFixed(2)} s)`,
        );
      }
    }

    const med = new Map([...rates].map(([name, xs]) => [name, median(xs)]));
    const [o, g, b] = contenders.map((c) => med.get(c.name) ?? 0);
    console.log("\nmedian claims/s (claim + complete per job):");
    for (const c of contenders) {
      console.log(
        `  ${c.name.padEnd(36)} ${(med.get(c.name) ?? 0).toFixed(0).padStart(6)}   rounds: ${(rates.get(c.name) ?? []).map((x) => x.toFixed(0)).join(", ")}`,
      );
    }
    console.log(`\nours / graphile-worker = ${((o ?? 0) / (g ?? 1)).toFixed(2)}`);
    console.log(`ours / bare SKIP LOCKED = ${((o ?? 0) / (b ?? 1)).toFixed(2)}`);
    console.log("\nwhat one claim is:");
    for (const c of contenders) console.log(`  ${c.name}: ${c.describe}`);
  } finally {
    for (const c of contenders) await c.close();
    await admin.end({ timeout: 1 });
    await cluster.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
