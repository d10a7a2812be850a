import { createServer } from "node:net";

/**
 * A port free on this machine right now, for a local run's serving job. The OS picks it (port 0),
 * so two local workers on one machine do not collide the way a fixed 8000 would; the small window
 * between closing it here and the job binding it is acceptable for a local pod.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port was assigned"))));
    });
  });
}
