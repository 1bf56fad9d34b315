import { readFile, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { homedir, hostname, userInfo } from "node:os";
import { Worker } from "node:worker_threads";
import { getRequestListener } from "@hono/node-server";
import type { WorkerPort } from "../../otel/worker-protocol.ts";
import { runCli } from "../cli/main.ts";
import { type ConfigInput, resolveConfig } from "../config/mod.ts";
import { INGEST_PATHS } from "../ingest/routes.ts";
import { createSpanlight } from "../server/compose.ts";
import { firstHome } from "./home.ts";
import { AddressInUseError, type DirectIngestOption, type Listener, type Runtime } from "./runtime.ts";
import { fsDashboard } from "./ui-assets-fs.ts";

const SHUTDOWN_GRACE_MS = 250;

type DirectIngest = DirectIngestOption["ingest"];

/**
 * Hook POSTs are the hot path (one per agent event): on Node they skip the Web Request/Response
 * adapter and go straight to the same guards and ingest the app's routes use (compose.ts
 * `ingestDirect`). Everything else goes through the Hono app like on every runtime.
 */
function directIngestListener(
  ingest: DirectIngest,
  limit: number,
  fallback: (req: IncomingMessage, res: ServerResponse) => unknown,
) {
  return function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const kind = req.method === "POST" ? INGEST_PATHS[req.url ?? ""] : undefined;
    if (!kind) {
      fallback(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit keep reading (and dropping) to the end, so the client gets the 413.
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => {
      const headers = rawHeaderGetter(req.rawHeaders);
      const body = size > limit ? { tooLarge: size } : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const reply = ingest(kind, body, headers);
      if (reply.body === null) {
        res.writeHead(reply.status).end();
        return;
      }
      const text = JSON.stringify(reply.body);
      res
        .writeHead(reply.status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
        .end(text);
    });
    req.on("error", () => res.destroy());
  };
}

/**
 * Header lookup over the raw header list. Touching `req.headers` makes Node build an object of
 * every header; ingest reads a handful by name, so a scan of the raw pairs is cheaper.
 */
function rawHeaderGetter(raw: string[]): { get(name: string): string | null } {
  let map: Map<string, string> | null = null;
  return {
    get(name: string): string | null {
      if (map === null) {
        map = new Map();
        for (let i = 0; i < raw.length; i += 2) {
          const key = raw[i]!.toLowerCase();
          const prev = map.get(key);
          map.set(key, prev === undefined ? raw[i + 1]! : `${prev}, ${raw[i + 1]}`);
        }
      }
      return map.get(name) ?? null;
    },
  };
}

/** Listens with Node's http server; the app itself is the same Web-standard fetch everywhere. */
function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  host: string,
  port: number,
  direct?: DirectIngestOption,
): Promise<Listener> {
  const honoListener = getRequestListener(fetch, { hostname: host });
  const server: Server = createServer(
    direct ? directIngestListener(direct.ingest, direct.limit, honoListener) : honoListener,
  );
  // Hook clients post one small request per event over keep-alive; Node's 5 s default is fine,
  // but headers must not be awaited forever from a stalled client.
  server.headersTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      reject(err.code === "EADDRINUSE" ? new AddressInUseError(host, port) : err);
    });
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : port;
      resolve({
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
            // A client that vanished mid-stream can leave its socket open; give in-flight requests a
            // moment, then cut whatever is left so shutdown never hangs.
            setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
          }),
      });
    });
  });
}

/**
 * The export worker on worker_threads. From the bundle it is dist/node/export-worker.mjs (built
 * next to it); from the TypeScript sources it is node-worker.ts, loaded through tsx like the rest.
 */
export function spawnNodeExportWorker(): WorkerPort {
  const fromSource = import.meta.url.endsWith(".ts");
  const worker = new Worker(new URL(fromSource ? "./node-worker-source.mjs" : "./export-worker.mjs", import.meta.url), {
    execArgv: [],
  });
  // Not unref'd: the final flush at shutdown runs there, and the process must wait for it (the
  // pipeline's shutdown terminates the worker).
  let terminating = false;
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (handler) => worker.on("message", handler),
    onError: (handler) => {
      worker.on("error", (err) => handler(err.message));
      worker.on("exit", (code) => {
        if (!terminating) handler(`exited (code ${code})`);
      });
    },
    terminate: () => {
      terminating = true;
      void worker.terminate();
    },
  };
}

export function nodeRuntime(args: string[] = process.argv.slice(2)): Runtime & { args: string[] } {
  return {
    name: "node",
    args,
    env: process.env,
    cwd: process.cwd(),
    // os.homedir() is HOME, else the passwd entry; for HOME="" it returns "", hence userInfo().
    home: firstHome([homedir, () => userInfo().homedir]),
    hostName: () => hostname(),
    readTextFile: (path) => readFile(path, "utf8"),
    writeTextFile: (path, text) => writeFile(path, text),
    serve: (fetch, { host, port, direct }) => listen(fetch, host, port, direct),
    spawnExportWorker: spawnNodeExportWorker,
    onShutdown(handler) {
      let done = false;
      const once = (signal: string) => {
        if (done) return;
        done = true;
        handler(signal);
      };
      process.once("SIGINT", () => once("SIGINT"));
      process.once("SIGTERM", () => once("SIGTERM"));
    },
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    dashboard: () => fsDashboard(),
  };
}

/**
 * Starts a real listening server in-process (tests, benchmarks). Port 0 picks a free port.
 * The config is resolved like the CLI's, minus env and file.
 */
export async function startNodeServer(
  options: { config?: ConfigInput; log?: (line: string) => void; exportWorker?: boolean } = {},
) {
  const config = options.config ?? {};
  const resolved = resolveConfig([
    { source: "startNodeServer", values: { ...config, server: { port: 0, ...config.server } } },
  ]);
  if (!resolved.ok) throw new Error(resolved.error);
  const spanlight = createSpanlight({
    config: resolved.config,
    log: options.log,
    ui: await fsDashboard(),
    exportWorker: options.exportWorker ? spawnNodeExportWorker : undefined,
  });
  const listener = await listen(spanlight.fetch, resolved.config.server.host, resolved.config.server.port, {
    ingest: spanlight.ingestDirect,
    limit: resolved.config.limits.bodyBytes,
  });
  spanlight.start();
  const host = resolved.config.server.host;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${listener.port}`,
    port: listener.port,
    spanlight,
    async close(): Promise<void> {
      const closing = listener.close();
      await spanlight.close();
      await closing;
    },
  };
}

/** Entry for `node bin/spanlight.js`: runs the CLI and exits with its code. */
export async function main(): Promise<void> {
  const rt = nodeRuntime();
  try {
    const code = await runCli(rt.args, rt);
    process.exit(code);
  } catch (err) {
    process.stderr.write(`spanlight: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  }
}
