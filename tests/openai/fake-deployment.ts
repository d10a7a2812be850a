// Stands in for a serving job's vLLM server (GPU-only, so it cannot run here): an HTTP server
// answering POST /v1/chat/completions in OpenAI's published shapes — a chat.completion object, or
// `data: <chunk>` server-sent events ending in `data: [DONE]` — after checking the bearer key.
// Used where the openai function's routing is under test; the real serving job runs in the real
// flow test.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeDeployment {
  baseURL: string;
  apiKey: string;
  requests: { authorization: string | undefined; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export async function startFakeDeployment(apiKey: string): Promise<FakeDeployment> {
  const requests: FakeDeployment["requests"] = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => {
      raw += c.toString();
    });
    req.on("end", () => {
      const body = JSON.parse(raw || "{}") as Record<string, unknown>;
      requests.push({ authorization: req.headers.authorization, body });
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error: { message: "bad key", type: "invalid_request_error", param: null, code: null },
          }),
        );
        return;
      }
      const messages = body.messages as { content: string }[];
      const reply = `echo: ${messages.at(-1)?.content ?? ""}`;
      const base = { id: "chatcmpl-fake", created: 1_700_000_000, model: String(body.model) };
      if (body.stream) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        for (const piece of reply.match(/.{1,4}/g) ?? []) {
          const chunk = {
            ...base,
            object: "chat.completion.chunk",
            choices: [{ index: 0, delta: { content: piece }, finish_reason: null }],
          };
          res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        }
        res.write(
          `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
        );
        res.end("data: [DONE]\n\n");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          ...base,
          object: "chat.completion",
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: reply },
              finish_reason: "stop",
              logprobs: null,
            },
          ],
          usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
