import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { portInUseMessage } from "../../src/cli/port-in-use.ts";

// Real listeners on loopback: what the message says depends on what answers on the taken port and
// on the ports after it.

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function listen(port: number, handler: Parameters<typeof createServer>[1]): Promise<Server | null> {
  const s = createServer(handler);
  return new Promise((resolve) => {
    s.once("error", () => resolve(null));
    s.listen(port, "127.0.0.1", () => {
      servers.push(s);
      resolve(s);
    });
  });
}

/** `n` consecutive ports taken by `handler`'s servers, found by trying: the first of them. */
async function takeConsecutive(n: number, handler: Parameters<typeof createServer>[1]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * 30_000);
    const taken: Server[] = [];
    for (let i = 0; i < n; i++) {
      const s = await listen(first + i, handler);
      if (!s) break;
      taken.push(s);
    }
    if (taken.length === n) return first;
    await Promise.all(taken.map((s) => new Promise((r) => s.close(r))));
  }
  throw new Error("no run of free ports");
}

const other = (_req: unknown, res: { writeHead(s: number): { end(b: string): void } }) =>
  res.writeHead(404).end("not found");

describe("the message when the port is taken", () => {
  it("names a Spanlight already running there, with its dashboard", async () => {
    const port = await takeConsecutive(1, (_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ status: "ok", version: "1.2.3", buffer: { events: 0 }, export: {} }));
    });
    const message = await portInUseMessage("127.0.0.1", port);
    expect(message).toMatch(
      new RegExp(
        `^Spanlight 1\\.2\\.3 is already running on 127\\.0\\.0\\.1:${port}: its dashboard is http://127\\.0\\.0\\.1:${port}/\\.`,
      ),
    );
  });

  it("says another program holds it, and suggests a port nothing listens on", async () => {
    // The next two ports are taken too: the suggestion skips them.
    const port = await takeConsecutive(3, other);
    const message = await portInUseMessage("127.0.0.1", port);
    expect(message).toMatch(new RegExp(`^port ${port} on 127\\.0\\.0\\.1 is already in use by another program\\.`));
    expect(message).not.toContain(`--port ${port + 1} `);
    expect(message).not.toContain(`--port ${port + 2} `);
    const suggested = Number(/--port (\d+) /.exec(message)?.[1]);
    expect(suggested).toBeGreaterThan(port + 2);
    // The suggestion is free: a server can listen there.
    expect(await listen(suggested, other)).not.toBeNull();
  });
});

describe("the probes of the ports after the taken one", () => {
  it("run five at once, and stop at the batch that finds a free port", async () => {
    // Answers only once five probes are in flight (run one after another, they never would).
    const waiting: Array<{ url: string; settle: (r: Response | Error) => void }> = [];
    const probed: string[] = [];
    const fetchFn = (url: string) => {
      if (url.endsWith("/health")) return Promise.reject(new Error("socket hang up"));
      probed.push(url);
      return new Promise<Response>((resolve, reject) => {
        waiting.push({ url, settle: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
        if (waiting.length < 5) return;
        for (const w of waiting.splice(0)) {
          const refused = w.url.includes(":9299/");
          w.settle(
            refused
              ? Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } })
              : new Response("busy"),
          );
        }
      });
    };
    const message = await portInUseMessage("127.0.0.1", 9292, fetchFn);
    expect(message).toContain("--port 9299 ");
    // Two batches (9293–9297, 9298–9302): none of the fifteen ports after.
    expect(probed).toHaveLength(10);
  });
});
