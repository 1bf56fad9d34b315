import type { Hono } from "hono";
import type { SpawnExportWorker } from "../../otel/worker-protocol.ts";

/** What the CLI needs from the runtime it runs on (Node, Deno, the compiled binary). */
/** A runtime may serve the ingest routes without the router (see compose.ts `ingestDirect`). */
export type DirectIngestOption = {
  ingest(
    kind: "hook" | "telemetry",
    body: Uint8Array | { tooLarge: number },
    headers: { get(name: string): string | null },
  ): { status: number; body: unknown };
  limit: number;
};

export type Listener = { port: number; close(): Promise<void> };

export class AddressInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`address in use: ${host}:${port}`);
    this.name = "AddressInUseError";
  }
}

/** What every CLI command gets: output, environment and the usual places. */
export type CliIo = {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  home: string;
};

export type Runtime = CliIo & {
  name: string;
  hostName(): string;
  readTextFile(path: string): Promise<string>;
  writeTextFile(path: string, text: string): Promise<void>;
  /** Listens; rejects with AddressInUseError when the port is taken. */
  serve(
    fetch: (req: Request) => Response | Promise<Response>,
    opts: { host: string; port: number; direct?: DirectIngestOption },
  ): Promise<Listener>;
  /** Calls `handler` once on SIGINT or SIGTERM. */
  onShutdown(handler: (signal: string) => void): void;
  /** Starts the OTel export worker (mapping and export off the event loop); absent: export runs in-thread. */
  spawnExportWorker?: SpawnExportWorker;
  /** The dashboard sub-app for this runtime's asset source; undefined when no build is available. */
  dashboard?(): Promise<Hono | undefined>;
};
