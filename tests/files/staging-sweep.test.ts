// The sweep of staged uploads nobody finalized (issue 11), on both stores: the local disk and
// Supabase Storage through storage-js against the stand-in (held to Storage's published OpenAPI,
// including the list answer the sweep reads times from). Old staged objects go; fresh ones, other
// folders and finalized files stay; a pass is bounded; a second pass is harmless.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StorageStandIn, startStorageStandIn } from "../../scripts/storage/server.ts";
import { createLocalDiskStore } from "../../supabase/functions/_runtime/local-disk-store.ts";
import { type FileStore, objectKey, stagingKey } from "../../supabase/functions/_shared/files/file-store.ts";
import { sweepStaging } from "../../supabase/functions/_shared/files/staging-sweep.ts";
import { createSupabaseStorageStore } from "../../supabase/functions/_shared/files/supabase-storage.ts";

const JWT_SECRET = randomBytes(32).toString("hex");
const SECRET_KEY = `sb_secret_${randomBytes(16).toString("hex")}`;
const DAY = 24 * 3600;
// A bucket per test, so that no test sees another's staging folders.
const BUCKETS = ["b0", "b1", "b2", "b3"];
let buckets = 0;
let standIn: StorageStandIn;
let diskRoot: string;

beforeAll(async () => {
  standIn = await startStorageStandIn({ jwtSecret: JWT_SECRET, secretKeys: [SECRET_KEY], buckets: BUCKETS });
  diskRoot = mkdtempSync(join(tmpdir(), "ow-sweep-"));
});
afterAll(async () => {
  await standIn?.close();
  rmSync(diskRoot, { recursive: true, force: true });
});

interface Subject {
  store: FileStore;
  /** Makes `key` look last written `seconds` ago (the store's own clock for its times). */
  age(key: string, seconds: number): void;
}

const disk = (): Subject => {
  const root = mkdtempSync(join(diskRoot, "store-"));
  const signUrl = async () => "http://127.0.0.1:1/unused";
  return {
    store: createLocalDiskStore({ root, signUrl }),
    age: (key, seconds) => {
      const at = new Date(Date.now() - seconds * 1000);
      utimesSync(join(root, key), at, at);
    },
  };
};
const storage = (): Subject => {
  const bucket = BUCKETS[buckets++]!;
  return {
    store: createSupabaseStorageStore({ url: standIn.url, serviceRoleKey: SECRET_KEY, bucket }),
    age: (key, seconds) => standIn.state.objects.backdate(bucket, key, new Date(Date.now() - seconds * 1000)),
  };
};

const put = (store: FileStore, key: string) => store.put(key, new Blob([randomBytes(32)]).stream());
const exists = async (store: FileStore, key: string) => (await store.stat(key)) !== null;

describe.each([
  ["the local-disk store", disk],
  ["Supabase Storage (stand-in)", storage],
])("the staging sweep on %s", (_name, subject) => {
  it("deletes staged objects older than the bound, in every organization, and nothing else", async () => {
    const { store, age } = subject();
    const [orgA, orgB] = [crypto.randomUUID(), crypto.randomUUID()];
    const abandoned = [stagingKey(orgA, "a1"), stagingKey(orgA, "a2"), stagingKey(orgB, "b1")];
    const fresh = stagingKey(orgA, "fresh");
    const recent = stagingKey(orgB, "an-hour-short");
    const filed = objectKey(orgA, "result:file-0123456789ab");
    for (const key of [...abandoned, fresh, recent, filed]) await put(store, key);
    for (const key of abandoned) age(key, DAY + 60);
    age(recent, DAY - 3600);
    age(filed, 30 * DAY); // a finalized file is never staging, however old

    const pass = await sweepStaging(store, { maxAgeSeconds: DAY, limit: 100, now: Date.now() });
    expect(pass).toEqual({ deleted: 3, done: true });
    for (const key of abandoned) expect(await exists(store, key), key).toBe(false);
    for (const key of [fresh, recent, filed]) expect(await exists(store, key), key).toBe(true);
    // Idempotent: the next pass finds nothing more.
    expect(await sweepStaging(store, { maxAgeSeconds: DAY, limit: 100, now: Date.now() })).toEqual({
      deleted: 0,
      done: true,
    });
  });

  it("deletes at most `limit` objects a pass, oldest first, and says when it stopped short", async () => {
    const { store, age } = subject();
    const org = crypto.randomUUID();
    const keys = [1, 2, 3, 4, 5].map((i) => stagingKey(org, `k${i}`));
    for (const key of keys) await put(store, key);
    for (const [i, key] of keys.entries()) age(key, DAY + 3600 * (5 - i)); // k1 is the oldest
    const sweep = () => sweepStaging(store, { maxAgeSeconds: DAY, limit: 2, now: Date.now() });

    expect(await sweep()).toEqual({ deleted: 2, done: false });
    const left = () => Promise.all(keys.map((k) => exists(store, k)));
    expect(await left()).toEqual([false, false, true, true, true]);
    expect(await sweep()).toEqual({ deleted: 2, done: false });
    expect(await sweep()).toEqual({ deleted: 1, done: true });
    expect(await left()).toEqual([false, false, false, false, false]);
  });

  it("looks into at most `limit` organization folders a pass, from where it is told to start", async () => {
    const { store, age } = subject();
    const orgs = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()].sort();
    for (const org of orgs) {
      await put(store, stagingKey(org, "old"));
      age(stagingKey(org, "old"), 2 * DAY);
    }
    const folders = await store.list("staging", { limit: 100, offset: 0, order: "name" });
    expect(folders).toEqual(orgs.map((name) => ({ kind: "folder", name })));
    const pass = (start: number) =>
      sweepStaging(store, { maxAgeSeconds: DAY, limit: 1, now: Date.now(), start });
    const left = async () => Promise.all(orgs.map((org) => exists(store, stagingKey(org, "old"))));

    expect(await pass(0)).toEqual({ deleted: 1, done: false });
    expect(await left()).toEqual([false, true, true]);
    expect(await pass(0.99)).toEqual({ deleted: 1, done: false });
    expect(await left()).toEqual([false, true, false]);
  });
});

it("kept the Storage stand-in within Storage's published schema", () => {
  expect(standIn.state.schemaViolations).toEqual([]);
  expect(standIn.state.refusals).toEqual([]);
});
