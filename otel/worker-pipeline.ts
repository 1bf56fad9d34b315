/**
 * The OTel pipeline with its work on a worker thread: the ingest thread only serializes each
 * stored event (one JSON.stringify, without what the mapper never reads) into a batch posted
 * every few milliseconds; mapping, SDK spans, OTLP encoding and HTTP happen in the worker
 * (otel/export-worker.ts). Same interface, counters and shutdown flush as the in-thread
 * pipeline, which takes over if the worker cannot start or dies.
 */
import type { Config } from "../src/config/config-schema.ts";
import type { ExportStats, NormalizedEvent } from "../src/schema/mod.ts";
import { EventBatch, readBatch, type SealedBatch, toBatchJson } from "./event-batch.ts";
import { disabledPipeline, type OtelPipeline, turnLinker } from "./mod.ts";
import { isMappable } from "./span-mapper.ts";
import type { FromWorker, SpawnExportWorker, WorkerPort } from "./worker-protocol.ts";

export type WorkerPipelineOptions = {
  config: Config["otel"];
  version: string;
  hostName: string | null;
  log?: (line: string) => void;
  spawn: SpawnExportWorker;
  /** The in-thread pipeline, made only when the worker cannot do the job. */
  fallback: () => OtelPipeline;
  /** How long shutdown waits for the worker's final flush; default max(30 s, 12 × otel.export.timeoutMs). */
  shutdownTimeoutMs?: number;
};

// A batch goes out when its buffer is full or after BATCH_MS. Each message costs both threads a
// few microseconds, so batches are worth having; spans wait for otel.export.delayMs (1 s) anyway.
const BATCH_MS = 10;

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
  // Events serialized before the worker was ready: the fallback may still need them.
  let held: string[] = [];
  const batch = new EventBatch();
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

  function post(sealed: SealedBatch | null): void {
    if (!sealed || !port) return;
    port.post({ t: "events", ...sealed }, [sealed.buffer]);
    sent += sealed.count;
  }

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    post(batch.seal());
  }

  function add(json: string): void {
    post(batch.add(json));
    if (!timer) {
      timer = setTimeout(flush, BATCH_MS);
      (timer as { unref?: () => void }).unref?.();
    }
  }

  /** The worker is gone: what it was sent is lost (counted); the in-thread pipeline takes over the rest. */
  function takeOver(reason: string): void {
    if (local) return;
    log(`otel: export worker ${reason}; exporting from the main thread from now on`);
    droppedEvents += sent - processed;
    sent = processed;
    const dead = port;
    port = null;
    dead?.terminate();
    local = opts.fallback();
    if (timer) clearTimeout(timer);
    timer = null;
    const unsent = batch.seal();
    const events = [...(unsent ? readBatch(unsent) : []), ...held.map((json) => JSON.parse(json))];
    held = [];
    for (const e of events) local.onEvent(e as NormalizedEvent);
    started();
    onClosed?.();
  }

  function onMessage(msg: FromWorker): void {
    switch (msg.t) {
      case "ready":
        ready = true;
        for (const json of held) add(json);
        held = [];
        started();
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
      if (stopped || !isMappable(e)) return; // not worth serializing what the mapper skips
      if (local) return local.onEvent(e);
      if (sent - processed + batch.count + held.length >= maxPending) {
        droppedEvents++;
        return;
      }
      let json: string;
      try {
        json = toBatchJson(e);
      } catch {
        droppedEvents++; // a stored event is plain JSON data; counted rather than thrown into ingest
        return;
      }
      if (ready) add(json);
      else held.push(json);
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
        queued: fromWorker.queued + (sent - processed) + batch.count + held.length,
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
      const finished = (async () => {
        await startup;
        if (!port) return;
        flush();
        const done = new Promise<void>((resolve) => {
          onClosed = resolve;
        });
        port.post({ t: "shutdown" });
        await done;
      })();
      // The flush has its own request timeouts; this only guards against a worker that hangs.
      const limit = opts.shutdownTimeoutMs ?? Math.max(30_000, config.export.timeoutMs * 12);
      let guard: ReturnType<typeof setTimeout> | undefined;
      const hung = await Promise.race([
        finished.then(() => false),
        new Promise<boolean>((resolve) => {
          guard = setTimeout(() => resolve(true), limit);
        }),
      ]);
      clearTimeout(guard);
      if (hung) {
        const held = fromWorker.queued + (sent - processed);
        log(
          `otel: export worker did not finish its final flush within ${limit} ms; stopped it` +
            (held > 0 ? `, ${held} spans or events it held not exported` : ""),
        );
      }
      port?.terminate();
      port = null;
      if (local) await local.shutdown();
    },
  };
}
