// The holes an outside probe found (issue 11), each reproduced through the real Deno gateway and
// real PostgreSQL: revocation bypass (item 1), file-id squatting across organizations (item 5),
// reserved mount paths accepted at submit (item 9).
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, createOrganization, startTestStack, type TestStack } from "../support/stack.ts";

let stack: TestStack;
let other: { orgId: string; token: string };
beforeAll(async () => {
  stack = await startTestStack();
  other = await createOrganization(stack.db, "other-org");
}, 120_000);
afterAll(async () => stack?.stop());

async function jwtFor(token: string): Promise<string> {
  const res = await client(stack.url, "")("POST", "/api/auth/token", { token });
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

describe("revoking a token (item 1)", () => {
  it("kills the JWTs issued for it at once, for every route", async () => {
    const admin = client(stack.url, stack.adminToken);
    const minted = await admin("POST", "/api/tokens", { name: "soon revoked", role: "admin" });
    expect(minted.status).toBe(201);
    const jwt = await jwtFor(minted.body.token);
    const viaJwt = client(stack.url, jwt);
    expect((await viaJwt("GET", "/api/me")).status).toBe(200);
    expect((await admin("DELETE", `/api/tokens/${minted.body.id}`)).status).toBe(200);

    // The probe's bypass: the old JWT minted a fresh, non-expiring admin token.
    const bypass = await viaJwt("POST", "/api/tokens", { name: "escape", role: "admin" });
    expect(bypass.status).toBe(401);
    expect(bypass.body.error.code).toBe("token_revoked");
    for (const [method, path] of [
      ["GET", "/api/me"],
      ["GET", "/api/jobs"],
      ["GET", "/api/files"],
      ["GET", "/api/tokens"],
      ["GET", "/api/secrets"],
      ["GET", "/api/workers"],
      ["GET", "/api/hardware"],
    ] as const) {
      const res = await viaJwt(method, path);
      expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({
        path,
        status: 401,
        code: "token_revoked",
      });
    }
    const [row] = await stack.db.sql`select count(*)::int as n from api_tokens where name = 'escape'`;
    expect(row!.n).toBe(0);
  });

  it("revokes every token minted with it, transitively", async () => {
    const admin = client(stack.url, stack.adminToken);
    const parent = await admin("POST", "/api/tokens", { name: "parent", role: "admin" });
    const child = await client(stack.url, parent.body.token)("POST", "/api/tokens", {
      name: "child",
      role: "admin",
    });
    const grandchild = await client(stack.url, child.body.token)("POST", "/api/tokens", {
      name: "grandchild",
      role: "member",
    });
    const sibling = await admin("POST", "/api/tokens", { name: "sibling", role: "member" });
    expect([parent.status, child.status, grandchild.status, sibling.status]).toEqual([201, 201, 201, 201]);
    const grandchildJwt = await jwtFor(grandchild.body.token);

    expect((await admin("DELETE", `/api/tokens/${parent.body.id}`)).status).toBe(200);
    for (const token of [child.body.token, grandchild.body.token, grandchildJwt]) {
      const res = await client(stack.url, token)("GET", "/api/me");
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("token_revoked");
    }
    expect((await client(stack.url, sibling.body.token)("GET", "/api/me")).status).toBe(200);
  });

  it("ends a JWT when its token expires, even before the JWT would", async () => {
    const admin = client(stack.url, stack.adminToken);
    const short = await admin("POST", "/api/tokens", { name: "short", role: "member", expires_in_days: 1 });
    const jwt = await jwtFor(short.body.token);
    await stack.db.sql`update api_tokens set expires_at = now() - interval '1 second',
      created_at = now() - interval '1 minute' where id = ${short.body.id}`;
    const res = await client(stack.url, jwt)("GET", "/api/jobs");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("token_expired");
  });
});

const content = "print('same bytes in two organizations')\n";
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("file ids are scoped per organization (item 5)", () => {
  it("one organization cannot block another's upload of the same content, nor learn that it exists", async () => {
    const victim = client(stack.url, stack.adminToken);
    const squatter = client(stack.url, other.token);
    // The squatter claims the id the victim's content will have (the org hash is the client's word).
    const victimOrgSha = sha(content + stack.orgId);
    const squat = await squatter("POST", "/api/files/uploads", {
      purpose: "custom_job_file",
      filename: "x.py",
      bytes: Buffer.byteLength(content),
      sha256: sha(content),
      org_sha256: victimOrgSha,
    });
    expect(squat.status).toBe(201);
    await fetch(squat.body.upload_url, { method: "PUT", body: content });
    const done = await squatter(
      "POST",
      `/api/files/uploads/${encodeURIComponent(squat.body.file_id)}/complete`,
      {
        upload_id: squat.body.upload_id,
      },
    );
    expect(done.status).toBe(201);

    // The victim uploads its own content: filed as new in its organization, not a 500.
    const direct = await victim("POST", "/api/files?purpose=custom_job_file&filename=x.py", content, {
      "content-type": "application/octet-stream",
    });
    expect(direct.status).toBe(201);
    expect(direct.body.id).toBe(squat.body.file_id);
    expect(direct.body.organization_id).toBe(stack.orgId);
    // The signed path too: the victim's upload of an id that exists only in the other
    // organization completes (a 500 here told anyone the id existed somewhere).
    const signed = await victim("POST", "/api/files/uploads", {
      purpose: "custom_job_file",
      filename: "x.py",
      bytes: Buffer.byteLength(content),
      sha256: sha(content),
      org_sha256: sha(content + other.orgId),
    });
    expect(signed.status).toBe(201);
    expect(signed.body.upload_url).not.toBeNull();
    await fetch(signed.body.upload_url, { method: "PUT", body: content });
    const signedDone = await victim("POST", "/api/files/uploads/complete", {
      upload_id: signed.body.upload_id,
    });
    expect(signedDone.status).toBe(201);
    // Each organization reads only its own row.
    const mine = await victim("GET", `/api/files/${encodeURIComponent(direct.body.id)}`);
    expect(mine.body.organization_id).toBe(stack.orgId);
    const theirs = await squatter("GET", `/api/files/${encodeURIComponent(direct.body.id)}`);
    expect(theirs.body.organization_id).toBe(other.orgId);
  });

  it("deleting one organization's file leaves the other's with the same id", async () => {
    const a = client(stack.url, stack.adminToken);
    const b = client(stack.url, other.token);
    const body = "shared-id content\n";
    const upload = (api: typeof a) =>
      api("POST", "/api/files?purpose=custom_job_file&filename=s.txt", body, {
        "content-type": "application/octet-stream",
      });
    const fa = await upload(a);
    const fb = await upload(b);
    expect([fa.status, fb.status]).toEqual([201, 201]);
    expect((await b("DELETE", `/api/files/${encodeURIComponent(fb.body.id)}`)).status).toBe(200);
    expect((await a("GET", `/api/files/${encodeURIComponent(fa.body.id)}`)).status).toBe(200);
    const text = await fetch(`${stack.url}/api/files/${encodeURIComponent(fa.body.id)}/content`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    }).then((r) => r.text());
    expect(text).toBe(body);
  });
});

describe("reserved mount paths are refused at submit (item 9)", () => {
  it("answers 400 naming the mount for a path under .openweights/ or on params.json", async () => {
    const api = client(stack.url, stack.adminToken);
    const file = await api("POST", "/api/files?purpose=custom_job_file&filename=m.py", "print(1)\n", {
      "content-type": "application/octet-stream",
    });
    const id = file.body.id as string;
    for (const mounts of [
      { ".openweights/events.jsonl": id },
      { ".openweights": id },
      { "params.json": id },
      { a: id, "a/b": id },
    ]) {
      const res = await api("POST", "/api/jobs", {
        type: "custom",
        image: "ow/test:1",
        entrypoint: ["true"],
        mounts,
        requires_vram_gb: 0,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
      expect(res.body.error.details.map((d: { path: string }) => d.path).join()).toMatch(/^mounts\./);
    }
    const [row] = await stack.db.sql`select count(*)::int as n from jobs`;
    expect(row!.n).toBe(0);
  });
});
