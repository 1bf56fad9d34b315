import { homedir } from "node:os";
import { runCli } from "../cli/main.ts";
import { firstHome } from "./home.ts";
import { AddressInUseError, type Listener, type Runtime } from "./runtime.ts";
import { fsDashboard } from "./ui-assets-fs.ts";
import { spawnWebWorker } from "./web-worker-port.ts";

/**
 * The Deno entry: `deno task start` (or `deno run … src/runtime/deno.ts <command>`). Only listening,
 * signals, env, files and output live here; the Hono app is the same one Node and the binary run.
 */

// The slice of the Deno namespace this entry uses. Declared here so `tsc` (which has no Deno
// types) checks this file too; `deno check` sees the same shape, narrowed from the real one.
type DenoServer = { shutdown(): Promise<void> };
type DenoApi = {
  args: string[];
  build: { os: string };
  env: { toObject(): Record<string, string> };
  errors: { AddrInUse: new (...args: never[]) => Error };
  cwd(): string;
  hostname(): string;
  exit(code: number): never;
  readTextFile(path: string): Promise<string>;
  writeTextFile(path: string, text: string): Promise<void>;
  addSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  stdout: { writeSync(bytes: Uint8Array): number };
  stderr: { writeSync(bytes: Uint8Array): number };
  serve(
    options: {
      hostname: string;
      port: number;
      onListen(addr: { port: number }): void;
      onError(err: unknown): Response;
    },
    handler: (req: Request) => Response | Promise<Response>,
  ): DenoServer;
};
declare const Deno: DenoApi;

// Shutdown waits for in-flight requests; a client that vanished mid-stream must not hold the
// process open, so after this long the entry exits anyway (Deno.exit closes what is left).
const SHUTDOWN_GRACE_MS = 1000;

const encoder = new TextEncoder();

function writeAll(stream: { writeSync(bytes: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  // writeSync may write fewer bytes than given (pipes); loop until all are out.
  while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}

/**
 * A line writer that drops output once its reader has gone (`spanlight init --dry-run | head -1`),
 * as Node and the binary do, instead of failing the command with a BrokenPipe stack trace.
 */
function lineWriter(stream: { writeSync(bytes: Uint8Array): number }): (line: string) => void {
  let gone = false;
  return (line) => {
    if (gone) return;
    try {
      writeAll(stream, `${line}\n`);
    } catch (err) {
      if ((err as Error)?.name !== "BrokenPipe") throw err;
      gone = true;
    }
  };
}

function listen(fetch: (req: Request) => Response | Promise<Response>, host: string, port: number): Promise<Listener> {
  return new Promise((resolve, reject) => {
    let server: DenoServer;
    const close = () =>
      new Promise<void>((done) => {
        const timer = setTimeout(done, SHUTDOWN_GRACE_MS);
        server.shutdown().then(() => {
          clearTimeout(timer);
          done();
        });
      });
    try {
      server = Deno.serve(
        {
          hostname: host,
          port,
          // Giving onListen also silences Deno's own "Listening on" line; the CLI prints its own.
          onListen: (addr) => resolve({ port: addr.port, close }),
          // Only reached when the app itself fails to answer (it renders its own errors).
          onError: (err) => {
            writeAll(Deno.stderr, `spanlight: request failed: ${(err as Error)?.stack ?? err}\n`);
            return new Response(null, { status: 500 });
          },
        },
        fetch,
      );
    } catch (err) {
      reject(err instanceof Deno.errors.AddrInUse ? new AddressInUseError(host, port) : err);
    }
  });
}

export function denoRuntime(args: string[] = Deno.args): Runtime & { args: string[] } {
  const env = Deno.env.toObject();
  return {
    name: "deno",
    args,
    env,
    // `deno task` runs in the directory of deno.json; INIT_CWD is where it was typed (init --project).
    cwd: env.INIT_CWD || Deno.cwd(),
    // HOME (USERPROFILE on Windows); when neither is set to a path, the account's home, which Deno's
    // os.homedir() reads from the passwd database (it needs --allow-sys, which the tasks grant).
    home: firstHome([() => env.HOME, () => env.USERPROFILE, homedir]),
    hostName: () => Deno.hostname(),
    readTextFile: (path) => Deno.readTextFile(path),
    writeTextFile: (path, text) => Deno.writeTextFile(path, text),
    serve: (fetch, { host, port }) => listen(fetch, host, port),
    onShutdown(handler) {
      let done = false;
      const once = (signal: string) => {
        // A second signal while shutdown waits (an export flush, up to one request timeout) stops
        // at once, as it does on Node and in the binary. A Deno listener never lets the signal's
        // default action back, so the exit is explicit, with the status a shell gives a kill by it.
        if (done) Deno.exit(signal === "SIGINT" ? 130 : 143);
        done = true;
        handler(signal);
      };
      Deno.addSignalListener("SIGINT", () => once("SIGINT"));
      // Windows delivers only SIGINT (and SIGBREAK); asking for SIGTERM there throws.
      if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", () => once("SIGTERM"));
    },
    spawnExportWorker: () => spawnWebWorker(new URL("./web-worker.ts", import.meta.url)),
    dashboard: () => fsDashboard(),
    out: lineWriter(Deno.stdout),
    err: lineWriter(Deno.stderr),
  };
}

/** Runs the CLI and exits with its code. */
export async function main(): Promise<void> {
  const rt = denoRuntime();
  try {
    Deno.exit(await runCli(rt.args, rt));
  } catch (err) {
    rt.err(`spanlight: ${(err as Error)?.stack ?? err}`);
    Deno.exit(1);
  }
}

if ((import.meta as { main?: boolean }).main) await main();
