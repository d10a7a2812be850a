// Same-origin path to the api function (…/functions/v1/api/*), so the browser needs no CORS from
// the api: the SDK in the page uses `${origin}/ow` as its base URL. The caller's JWT travels in
// its own Authorization header; nothing is added here, so the api's RLS sees exactly the caller.
import { serverEnv } from "@/lib/server-env.ts";

export const dynamic = "force-dynamic";

const FORWARDED_REQUEST = ["authorization", "content-type", "content-length", "accept", "x-request-id"];
const FORWARDED_RESPONSE = ["content-type", "retry-after", "x-request-id", "content-disposition", "location"];

async function forward(request: Request, context: { params: Promise<{ path: string[] }> }) {
  const { path } = await context.params;
  const incoming = new URL(request.url);
  const target = new URL(`${serverEnv().OW_API_URL}/api/${path.map(encodeURIComponent).join("/")}`);
  target.search = incoming.search;
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const upstream = await fetch(target, {
    method: request.method,
    headers,
    body: hasBody ? request.body : undefined,
    redirect: "manual",
    cache: "no-store",
    signal: request.signal,
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
  const out = new Headers({ "cache-control": "no-store" });
  for (const name of FORWARDED_RESPONSE) {
    const value = upstream.headers.get(name);
    if (value) out.set(name, value);
  }
  return new Response(upstream.body, { status: upstream.status, headers: out });
}

export { forward as DELETE, forward as GET, forward as PATCH, forward as POST, forward as PUT };
