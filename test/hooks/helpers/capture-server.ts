import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** An answer with its own body; a plain status number answers an error with Spanlight's JSON error body. */
export type Answer = { status: number; body: string };

export type CapturedRequest = {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Status the server answered (or will answer, for a held request). */
  status: number;
};

export type CaptureServer = {
  url: string;
  port: number;
  requests: CapturedRequest[];
  /** From now on requests are received but not answered until `release()`. */
  hold(): void;
  release(): void;
  /** Stops listening (the port refuses connections) until `start()`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Resolves once `predicate` holds, checked after every request. */
  waitFor(predicate: () => boolean, what: string): Promise<void>;
  close(): Promise<void>;
};

/** What Spanlight answers a body it will never take (src/server/api-error.ts `toBody`). */
export function spanlightError(status: number): string {
  return JSON.stringify({ error: { code: "invalid_body", message: `refused with ${status} by the capture server` } });
}

/**
 * A stand-in ingest endpoint that records every request exactly as received: header checks,
 * a server that is down, one that never answers, one that rejects some bodies.
 * `status(body)` picks the answer (default 204, as Spanlight answers a single hook payload); an
 * error status comes with Spanlight's JSON error body unless it is an `Answer` with its own body.
 */
export async function createCaptureServer(
  status: (body: string) => number | Answer = () => 204,
): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const events = new EventEmitter();
  const held: ServerResponse[] = [];
  let holding = false;

  function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      const chosen = status(body);
      const answer =
        typeof chosen === "number" ? { status: chosen, body: chosen >= 400 ? spanlightError(chosen) : "" } : chosen;
      const captured = { path: req.url ?? "", headers, body, status: answer.status };
      requests.push(captured);
      if (holding) held.push(res);
      else if (answer.body === "") res.writeHead(answer.status).end();
      else res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
      events.emit("request");
    });
  }

  let server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  function release() {
    holding = false;
    for (const res of held.splice(0)) {
      res.writeHead(204);
      res.end();
    }
  }

  async function stop() {
    release();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    hold: () => {
      holding = true;
    },
    release,
    stop,
    async start() {
      server = createServer(handle);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", resolve);
      });
    },
    waitFor(predicate, what) {
      if (predicate()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        // Only a safety net so a broken hook fails with a message instead of the test timeout.
        const timer = setTimeout(() => {
          events.off("request", check);
          reject(new Error(`timed out waiting for ${what}; got ${requests.length} requests`));
        }, 20_000);
        function check() {
          if (!predicate()) return;
          clearTimeout(timer);
          events.off("request", check);
          resolve();
        }
        events.on("request", check);
      });
    },
    async close() {
      if (server.listening) await stop();
    },
  };
}
