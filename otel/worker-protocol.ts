/**
 * Messages between the ingest thread and the export worker (otel/export-worker.ts). Everything
 * crossing is plain data: events travel as one JSON array text per batch, which costs the ingest
 * thread one JSON.stringify per event and nothing else.
 */
import type { Config } from "../src/config/config-schema.ts";
import type { ResourceSpans } from "../src/otlp/otlp-model.ts";
import type { ExportStats } from "../src/schema/mod.ts";

export type ToWorker =
  | { t: "init"; config: Config["otel"]; version: string; hostName: string | null }
  /** A JSON array of normalized events, in store order. */
  | { t: "events"; json: string; count: number }
  | { t: "native"; resourceSpans: ResourceSpans[] }
  | { t: "sweep" }
  | { t: "shutdown" };

export type FromWorker =
  | { t: "ready" }
  /** `processed`: events taken from the ingest thread so far (mapped, or counted as failed). */
  | { t: "stats"; processed: number; stats: ExportStats }
  | { t: "log"; line: string }
  | { t: "closed"; processed: number; stats: ExportStats };

/** The ingest thread's handle on a worker; each runtime entry makes one its own way. */
export type WorkerPort = {
  post(message: ToWorker): void;
  onMessage(handler: (message: FromWorker) => void): void;
  /** The worker failed to load or crashed. */
  onError(handler: (message: string) => void): void;
  terminate(): void;
};

/** The worker's side of the same channel. */
export type WorkerSelf = {
  post(message: FromWorker): void;
  onMessage(handler: (message: ToWorker) => void): void;
};

export type SpawnExportWorker = () => WorkerPort;
