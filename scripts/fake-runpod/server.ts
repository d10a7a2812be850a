// Serves the fake RunPod (./app.ts) on 127.0.0.1 for tests and the local stack.
import { serve } from "@hono/node-server";
import { makeFakeRunPodApp, NO_CAPACITY_DETAIL } from "./app.ts";
import { createFakeState, type FakeGpuType, type FakeRunPodState } from "./fake-state.ts";

export { NO_CAPACITY_DETAIL };

export interface FakeRunPodOptions {
  port?: number;
  apiKey: string;
  gpuTypes?: readonly FakeGpuType[];
}

export interface FakeRunPod {
  /** Server root; the v2 REST base is `${url}/v2`. */
  url: string;
  state: FakeRunPodState;
  close(): Promise<void>;
}

export async function startFakeRunPod(options: FakeRunPodOptions): Promise<FakeRunPod> {
  const state = createFakeState(options.apiKey, options.gpuTypes);
  const app = makeFakeRunPodApp(state);
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve) => {
      const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: "127.0.0.1" }, (info) =>
        resolve({ server, port: info.port }),
      );
    },
  );
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
