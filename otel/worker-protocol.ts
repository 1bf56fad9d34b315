/**
 * Messages between the ingest thread and the export worker (otel/export-worker.ts). Everything
 * crossing is plain data: events travel as one UTF-8 JSON array per batch in a transferred buffer
 * (otel/event-batch.ts), which costs the ingest thread about one JSON.stringify per event.
 */
import type { Config } from "../src/config/config-schema.ts";
import type { ResourceSpans } from "../src/otlp/otlp-model.ts";
import type { ExportStats } from "../src/schema/mod.ts";

export type ToWorker =
  | { t: "init"; config: Config["otel"]; version: string; hostName: string | null }
  /** Normalized events in store order: a JSON array in the first `length` bytes of `buffer` (otel/event-batch.ts). */
  | { t: "events"; buffer: ArrayBuffer; length: number; count: number; nonAscii: number[] }
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
  /** `transfer`: buffers handed over (not copied); unusable here afterwards. */
  post(message: ToWorker, transfer?: ArrayBuffer[]): void;
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
