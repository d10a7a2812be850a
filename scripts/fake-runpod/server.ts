// Serves the fake RunPod (./app.ts) on 127.0.0.1 for tests and the local stack.
import { serveFetchLocal } from "../local/json-http.ts";
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
  const server = await serveFetchLocal(app.fetch, options.port ?? 0);
  return {
    url: server.url,
    state,
    close: () => server.close(),
  };
}
