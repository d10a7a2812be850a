// The cooldown ladder is applied by the database (internal.record_provisioning_failure, called by
// the scaler's apply step); the simulator (scripts/sim) replays the same ladder in memory with
// scaling/cooldown.ts nextCooldown. This test drives both with the same seeded sequences of failed
// starts — every failure kind, several thresholds and ladders, gaps shorter and longer than the
// cooldowns — through the real database, and fails on the first step where they disagree.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../../scripts/sim/random.ts";
import {
  type CooldownState,
  type FailureKind,
  nextCooldown,
} from "../../supabase/functions/_shared/scaling/cooldown.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let db: TestDatabase;
let org: string;
beforeAll(async () => {
  db = await createTestDatabase();
  const [row] = await db.sql<
    { id: string }[]
  >`insert into public.organizations (name) values ('ladder') returning id`;
  org = String(row?.id);
});
afterAll(async () => db.drop());

const KINDS: FailureKind[] = [
  "no_capacity",
  "startup_timeout",
  "not_accessible",
  "provider_error",
  "rate_limited",
  "spending_limit",
];
const CONFIGS = [
  { cooldownLadderSeconds: [60, 300, 900], cooldownFailureThreshold: 1, spendingLimitPauseSeconds: 300 },
  { cooldownLadderSeconds: [30, 120], cooldownFailureThreshold: 3, spendingLimitPauseSeconds: 60 },
  { cooldownLadderSeconds: [45], cooldownFailureThreshold: 2, spendingLimitPauseSeconds: 10 },
];

describe("cooldown ladder parity (SQL record_provisioning_failure ↔ cooldown.ts nextCooldown)", () => {
  it("agrees step by step on seeded sequences of failed starts", async () => {
    let steps = 0;
    for (const [c, config] of CONFIGS.entries()) {
      for (let seed = 1; seed <= 4; seed++) {
        const gpu = `GPU-${c}-${seed}`;
        const next = mulberry32(seed * 31 + c);
        let now = Date.parse("2026-12-04T00:00:00Z");
        let ts: CooldownState | null = null;
        for (let step = 0; step < 14; step++) {
          // Gaps from 1 s to 20 min: some land inside a cooldown, some after it has expired.
          now += Math.floor(1000 + next() * 1_200_000 * (next() < 0.5 ? 0.05 : 1));
          const kind = KINDS[Math.floor(next() * KINDS.length)] as FailureKind;
          const decision = nextCooldown(ts, kind, now, config);
          const [sql] = await db.sql<
            { scope: string; level: number | null; failures: number | null; until: number | null }[]
          >`
            select scope, level, failures, (extract(epoch from until) * 1000)::float8 as until
            from internal.record_provisioning_failure(${org}::uuid, ${gpu}, ${kind}, 'x', to_timestamp(${now / 1000}),
              ${config.cooldownLadderSeconds}::float8[], ${config.cooldownFailureThreshold}, ${config.spendingLimitPauseSeconds})`;
          const where = `config ${c}, seed ${seed}, step ${step} (${kind})`;
          if (decision.scope === "hardware") {
            expect(
              { scope: sql?.scope, level: sql?.level, failures: sql?.failures, until: sql?.until },
              where,
            ).toEqual(decision);
            ts = decision;
          } else if (decision.scope === "organization") {
            expect({ scope: sql?.scope, until: sql?.until }, where).toEqual({
              scope: "organization",
              until: decision.pausedUntil,
            });
          } else {
            expect(sql?.scope, where).toBe("none");
          }
          steps++;
        }
      }
    }
    expect(steps).toBe(CONFIGS.length * 4 * 14);
  });
});
