/**
 * The export worker's body: the whole OTel pipeline (mapping, SDK spans, OTLP encoding, HTTP)
 * on its own thread, so none of it runs on the event loop that answers hooks. Runtime entries
 * (src/runtime/*-worker.ts) give it its channel.
 */
import type { NormalizedEvent } from "../src/schema/mod.ts";
import { readBatch } from "./event-batch.ts";
import { createOtelPipeline, type OtelPipeline } from "./mod.ts";
import type { ToWorker, WorkerSelf } from "./worker-protocol.ts";

// Counters go back at most this often, and only when they changed: every message costs the
// event loop on the other side. The ingest thread's back-pressure bound tolerates this much lag.
const REPORT_MS = 100;

export function runExportWorker(self: WorkerSelf): void {
  let pipeline: OtelPipeline | null = null;
  let processed = 0;
  let reported = "";
  let parseErrors = 0;
  let timer: ReturnType<typeof setInterval> | null = null;

  function stats() {
    const s = pipeline!.stats();
    return parseErrors > 0 ? { ...s, dropped: s.dropped + parseErrors } : s;
  }

  function report(): void {
    if (!pipeline) return;
    const s = stats();
    const key = `${processed}|${s.exported}|${s.dropped}|${s.failed}|${s.queued}|${s.lastError}`;
    if (key === reported) return;
    reported = key;
    self.post({ t: "stats", processed, stats: s });
  }

  async function handle(msg: ToWorker): Promise<void> {
    if (msg.t === "init") {
      pipeline = createOtelPipeline({
        config: msg.config,
        version: msg.version,
        hostName: msg.hostName,
        log: (line) => self.post({ t: "log", line }),
      });
      timer = setInterval(report, REPORT_MS);
      self.post({ t: "ready" });
      return;
    }
    if (!pipeline) return;
    switch (msg.t) {
      case "events": {
        let events: NormalizedEvent[] = [];
        try {
          events = readBatch(msg) as NormalizedEvent[];
        } catch {
          parseErrors += msg.count; // cannot happen with JSON.stringify's output; counted, not thrown
        }
        for (const e of events) pipeline.onEvent(e);
        processed += msg.count;
        break;
      }
      case "native":
        pipeline.exportNative(msg.resourceSpans);
        break;
      case "sweep":
        pipeline.sweep();
        break;
      case "shutdown":
        if (timer) clearInterval(timer);
        await pipeline.shutdown();
        self.post({ t: "closed", processed, stats: stats() });
        break;
    }
  }

  self.onMessage((msg) => {
    handle(msg).catch((err) => self.post({ t: "log", line: `otel: export worker: ${(err as Error).message}` }));
  });
}
