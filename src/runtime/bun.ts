import { homedir, hostname, userInfo } from "node:os";
import { runCli } from "../cli/main.ts";
import { serveUi } from "../server/static.ts";
import { createEmbeddedAssetSource, type EmbeddedFiles } from "./embedded-assets.ts";
import { firstHome } from "./home.ts";
import { AddressInUseError, type Listener, type Runtime } from "./runtime.ts";
import { spawnWebWorker } from "./web-worker-port.ts";

/**
 * The entry of the compiled `spanlight` binary (`bun build --compile`, see scripts/compile.mjs).
 * Only listening, signals, env, files and the embedded dashboard live here; the Hono app is the
 * same one Node and Deno run.
 */

// The slice of Bun's API this entry uses, declared here so `tsc` checks the file without Bun's types.
type BunServer = {
  port: number;
  stop(closeActiveConnections?: boolean): Promise<void>;
  timeout(req: Request, seconds: number): void;
};
type BunApi = {
  serve(options: {
    hostname: string;
    port: number;
    development: boolean;
    reusePort: boolean;
    /** Seconds a connection may stay idle (Bun's default is 10, its maximum 255). */
    idleTimeout: number;
    fetch(req: Request, server: BunServer): Response | Promise<Response>;
  }): BunServer;
  file(path: string): { text(): Promise<string> };
  write(path: string, text: string): Promise<number>;
};
declare const Bun: BunApi;

// In-flight requests get this long after SIGTERM before their connections are cut.
const SHUTDOWN_GRACE_MS = 250;

// Runs on every request, so no URL parsing: a false positive only lifts the idle timeout of one request.
function isStream(req: Request): boolean {
  return req.url.includes("/api/stream") || (req.headers.get("accept") ?? "").includes("text/event-stream");
}

async function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  host: string,
  port: number,
): Promise<Listener> {
  let server: BunServer;
  try {
    server = Bun.serve({
      hostname: host,
      port,
      // Development mode would answer uncaught errors with Bun's HTML error page.
      development: false,
      // Bun otherwise lets a second process bind the same port (SO_REUSEPORT): two Spanlights
      // would split the hooks between them instead of the second one saying the port is taken.
      reusePort: false,
      // Bun's default is 10 s: a hook whose body stalls that long on a slow link was cut off
      // unanswered, and lost. Node and Deno wait longer; so does this (streams are exempt below).
      idleTimeout: 60,
      fetch(req, srv) {
        // Bun closes idle connections; an SSE stream is idle between heartbeats by design
        // (heartbeatMs is configurable up to minutes), so streams are exempt.
        if (isStream(req)) srv.timeout(req, 0);
        // Without a Host header (HTTP/1.0, some health checkers) Bun's req.url is the bare path, and
        // the router then lost the path's first segment (POST /v1/hooks/… answered 404).
        if (req.url.startsWith("/")) req = new Request(`http://localhost${req.url}`, req);
        return fetch(req);
      },
    });
  } catch (err) {
    if ((err as { code?: string }).code === "EADDRINUSE") throw new AddressInUseError(host, port);
    throw err;
  }
  return {
    port: server.port,
    close: async () => {
      const graceful = server.stop();
      const timer = setTimeout(() => void server.stop(true), SHUTDOWN_GRACE_MS);
      await graceful;
      clearTimeout(timer);
    },
  };
}

export function bunRuntime(
  args: string[] = process.argv.slice(2),
  ui: EmbeddedFiles | undefined = undefined,
): Runtime & { args: string[] } {
  return {
    name: "bun",
    args,
    env: process.env,
    cwd: process.cwd(),
    home: firstHome([homedir, () => userInfo().homedir]),
    hostName: () => hostname(),
    readTextFile: (path) => Bun.file(path).text(),
    writeTextFile: async (path, text) => {
      await Bun.write(path, text);
    },
    serve: (fetch, { host, port }) => listen(fetch, host, port),
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
    // compile.mjs passes web-worker.ts as a second entry point, so this URL resolves in the binary too.
    spawnExportWorker: () => spawnWebWorker(new URL("./web-worker.ts", import.meta.url)),
    dashboard: async () =>
      ui && Object.hasOwn(ui, "index.html") ? serveUi({ assets: createEmbeddedAssetSource(ui) }) : undefined,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
}

/** Runs the CLI with the dashboard build compiled into the binary, and exits with its code. */
export async function main({ ui }: { ui?: EmbeddedFiles } = {}): Promise<void> {
  const rt = bunRuntime(process.argv.slice(2), ui);
  try {
    process.exit(await runCli(rt.args, rt));
  } catch (err) {
    rt.err(`spanlight: ${(err as Error)?.stack ?? err}`);
    process.exit(1);
  }
}
