/**
 * `ow.chat.completions.create({ model, messages, … })`: the OpenAI call, routed to a deployment
 * of `model` that is started on first use and reused for later calls (one per model per client).
 * Unlike the original there is no process-wide registry and no implicit route to api.openai.com.
 */
import type { Api, DeployParams } from "./api.ts";
import { type ApiDeployment, DeploymentFailedError, type UpOptions } from "./deployment.ts";
import type { BuiltInCreateOptions } from "./family.ts";
import type { OpenAIClientLike } from "./openai-client.ts";

interface Connection {
  deployment: ApiDeployment;
  client: OpenAIClientLike;
}

export type ChatCompletionBody = { model: string } & Record<string, unknown>;

export class ChatCompletions {
  private readonly connections = new Map<string, Promise<Connection>>();

  constructor(private readonly chat: Chat) {}

  /** Deploys `body.model` if needed, waits until it serves, and forwards the call unchanged. */
  async create(body: ChatCompletionBody, options?: Record<string, unknown>): Promise<unknown> {
    const { client } = await this.connect(body.model);
    return client.chat.completions.create(body, options);
  }

  /** The deployment serving `model` (started if needed). */
  async deployment(model: string): Promise<ApiDeployment> {
    return (await this.connect(model)).deployment;
  }

  /** Cancels the deployment of `model` started through this client. */
  async kill(model: string): Promise<void> {
    const connection = this.connections.get(model);
    this.connections.delete(model);
    if (connection) await (await connection).deployment.down();
  }

  /** Cancels every deployment started through this client. */
  async close(): Promise<void> {
    await Promise.all([...this.connections.keys()].map((model) => this.kill(model)));
  }

  private connect(model: string): Promise<Connection> {
    // A deployment stopped with down() stays down: neither its cached client (its server is gone)
    // nor a new submission (which would reset the canceled job and rent a GPU again) is used.
    const stopped = this.chat.api.stoppedDeployment(model);
    if (stopped !== undefined) {
      this.connections.delete(model);
      return Promise.reject(
        new DeploymentFailedError(
          `the deployment of ${model} (job ${stopped}) was stopped with down(); chat does not restart it. ow.api.deploy(${JSON.stringify(model)}) starts it again.`,
        ),
      );
    }
    let connection = this.connections.get(model);
    if (!connection) {
      connection = this.start(model);
      this.connections.set(model, connection);
      // a failed start is forgotten so the next call tries again
      connection.catch(() => {
        if (this.connections.get(model) === connection) this.connections.delete(model);
      });
    }
    return connection;
  }

  private async start(model: string): Promise<Connection> {
    const deployment = await this.chat.api.deploy(model, this.chat.deployParams, this.chat.deployOptions);
    await deployment.up(this.chat.upOptions);
    return { deployment, client: await deployment.openai() };
  }
}

export class Chat {
  readonly completions: ChatCompletions;
  /** Params of on-demand deployments (the original's `deploy_kwargs`, default max_model_len 2048). */
  deployParams: DeployParams = {};
  deployOptions: BuiltInCreateOptions = {};
  upOptions: UpOptions = {};

  constructor(readonly api: Api) {
    this.completions = new ChatCompletions(this);
  }

  /** Cancels every deployment this client started for chat. */
  close(): Promise<void> {
    return this.completions.close();
  }
}
