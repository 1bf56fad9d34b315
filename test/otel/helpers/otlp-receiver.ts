import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type ReceivedRequest = { path: string; contentType: string; headers: IncomingMessage["headers"]; body: Buffer };

/**
 * A real OTLP/HTTP endpoint on 127.0.0.1 (ephemeral port) that records what it is sent.
 * `stop()` takes it down (connections refused) and `start()` brings it back on the same port.
 */
export async function startOtlpReceiver() {
  const requests: ReceivedRequest[] = [];
  const waiters: Array<{ until: (all: ReceivedRequest[]) => boolean; resolve(): void }> = [];
  let server: Server | null = null;
  let port = 0;

  function handle(req: IncomingMessage, res: import("node:http").ServerResponse) {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({
        path: req.url ?? "",
        contentType: String(req.headers["content-type"] ?? ""),
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      const json = String(req.headers["content-type"]).includes("json");
      res.writeHead(200, { "content-type": json ? "application/json" : "application/x-protobuf" });
      res.end(json ? "{}" : undefined);
      for (const w of [...waiters]) {
        if (w.until(requests)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
  }

  async function start(): Promise<void> {
    server = createServer(handle);
    server.keepAliveTimeout = 1000;
    server.listen(port, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  }

  async function stop(): Promise<void> {
    if (!server) return;
    const s = server;
    server = null;
    const closed = once(s, "close");
    s.close();
    s.closeAllConnections();
    await closed;
  }

  await start();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    requests,
    start,
    stop,
    /** Resolves when the recorded requests satisfy `until` (checked on every arrival). */
    waitFor(until: (all: ReceivedRequest[]) => boolean): Promise<void> {
      if (until(requests)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ until, resolve }));
    },
    close: stop,
  };
}
