/**
 * The OTel pipeline with its work on a worker thread: the ingest thread only serializes each
 * stored event (one JSON.stringify) into a batch posted every few milliseconds; mapping, SDK
 * spans, OTLP encoding and HTTP happen in the worker (otel/export-worker.ts). Same interface,
 * counters and shutdown flush as the in-thread pipeline, which takes over if the worker cannot
 * start or dies.
 */
import type { Config } from "../src/config/config-schema.ts";
import type { ExportStats, NormalizedEvent } from "../src/schema/mod.ts";
import { disabledPipeline, type OtelPipeline, turnLinker } from "./mod.ts";
import type { FromWorker, SpawnExportWorker, WorkerPort } from "./worker-protocol.ts";

export type WorkerPipelineOptions = {
  config: Config["otel"];
  version: string;
  hostName: string | null;
  log?: (line: string) => void;
  spawn: SpawnExportWorker;
  /** The in-thread pipeline, made only when the worker cannot do the job. */
  fallback: () => OtelPipeline;
};

// Events per posted batch at most; a partial batch goes out on the next timer turn (~1 ms).
const BATCH = 256;

const EMPTY: ExportStats = { enabled: true, exported: 0, dropped: 0, failed: 0, queued: 0, lastError: null };

export function createWorkerOtelPipeline(opts: WorkerPipelineOptions): OtelPipeline {
  const { config, log = () => {} } = opts;
  if (!config.export.enabled) return disabledPipeline();
  // Events waiting for the worker, bounded like the span queue: a worker that falls behind costs
  // dropped (counted) events, never unbounded memory on the ingest thread.
  const maxPending = config.export.maxQueue;
  let port: WorkerPort | null = null;
  let ready = false;
  let local: OtelPipeline | null = null;
  let buffer: string[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let sent = 0;
  let processed = 0;
  let droppedEvents = 0;
  let fromWorker: ExportStats = EMPTY;
  let stopped = false;
  let onClosed: (() => void) | null = null;
  let started: () => void = () => {};
  // Settles when the worker reports ready or the in-thread pipeline has taken over.
  const startup = new Promise<void>((resolve) => {
    started = resolve;
  });

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!port || buffer.length === 0) return;
    const count = buffer.length;
    port.post({ t: "events", json: `[${buffer.join(",")}]`, count });
    buffer = [];
    sent += count;
  }

  function schedule(): void {
    if (!ready) return; // held until the worker has started: the fallback may still need them
    if (buffer.length >= BATCH) flush();
    else if (!timer) {
      timer = setTimeout(flush, 0);
      (timer as { unref?: () => void }).unref?.();
    }
  }

  /** The worker is gone: what it held is lost (counted); the in-thread pipeline takes over. */
  function takeOver(reason: string): void {
    if (local) return;
    log(`otel: export worker ${reason}; exporting from the main thread from now on`);
    droppedEvents += sent - processed;
    sent = processed;
    const dead = port;
    port = null;
    dead?.terminate();
    local = opts.fallback();
    const held = buffer;
    buffer = [];
    for (const json of held) local.onEvent(JSON.parse(json) as NormalizedEvent);
    started();
    onClosed?.();
  }

  function onMessage(msg: FromWorker): void {
    switch (msg.t) {
      case "ready":
        ready = true;
        started();
        schedule();
        break;
      case "stats":
        processed = msg.processed;
        fromWorker = msg.stats;
        break;
      case "log":
        log(msg.line);
        break;
      case "closed":
        processed = msg.processed;
        fromWorker = msg.stats;
        onClosed?.();
        break;
    }
  }

  try {
    port = opts.spawn();
    port.onMessage(onMessage);
    port.onError((message) => takeOver(`failed (${message})`));
    port.post({ t: "init", config, version: opts.version, hostName: opts.hostName });
  } catch (err) {
    takeOver(`could not start (${(err as Error).message})`);
  }

  return {
    onEvent(e) {
      if (stopped) return;
      if (local) return local.onEvent(e);
      if (sent - processed + buffer.length >= maxPending) {
        droppedEvents++;
        return;
      }
      buffer.push(JSON.stringify(e));
      schedule();
    },
    sweep() {
      if (local) local.sweep();
      else if (ready && !stopped) port?.post({ t: "sweep" });
    },
    stats() {
      if (local) {
        const s = local.stats();
        return {
          ...s,
          exported: s.exported + fromWorker.exported,
          dropped: s.dropped + fromWorker.dropped + droppedEvents,
          failed: s.failed + fromWorker.failed,
          thread: "main",
        };
      }
      return {
        ...fromWorker,
        dropped: fromWorker.dropped + droppedEvents,
        // Spans waiting in the worker plus events it has not mapped yet.
        queued: fromWorker.queued + (sent - processed) + buffer.length,
        thread: "worker",
      };
    },
    linkTurn: turnLinker(config.jaegerUrl),
    exportNative(resourceSpans) {
      if (stopped || !config.forwardNative) return 0;
      if (local) return local.exportNative(resourceSpans);
      let count = 0;
      for (const rs of resourceSpans) for (const ss of rs.scopeSpans) count += ss.spans.length;
      if (count > 0) port?.post({ t: "native", resourceSpans });
      return count;
    },
    async shutdown() {
      if (stopped) return;
      stopped = true;
      await startup;
      if (port) {
        flush();
        const done = new Promise<void>((resolve) => {
          onClosed = resolve;
        });
        port.post({ t: "shutdown" });
        await done;
        port?.terminate();
      }
      if (local) await local.shutdown();
    },
  };
}
