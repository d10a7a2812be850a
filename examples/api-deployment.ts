// Serve a model behind an OpenAI-compatible API protected by a key, talk to it with the official
// `openai` client, then take it down. npx tsx examples/api-deployment.ts
import { type Example, runIfMain } from "./example-runner.ts";

export const apiDeployment: Example = async ({ ow, validateOnly, log }) => {
  const api = await ow.api.deploy("Qwen/Qwen3-4B", { max_model_len: 4096 });
  log(`deployment job ${api.job.id}`);
  try {
    if (validateOnly) return;
    await api.up();
    log(`serving at ${api.baseURL}`);
    const client = (await api.openai()) as {
      chat: {
        completions: { create(body: unknown): Promise<{ choices: { message: { content: string } }[] }> };
      };
    };
    const reply = await client.chat.completions.create({
      model: "Qwen/Qwen3-4B",
      messages: [{ role: "user", content: "Say hi." }],
    });
    log(reply.choices[0]?.message.content ?? "");
  } finally {
    await api.down();
  }
};

runIfMain(import.meta, apiDeployment);
