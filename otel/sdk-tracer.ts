/**
 * The only module that touches the OpenTelemetry SDK and OTLP serializers (scripts/architecture-guards.mjs
 * checks this). Finished span records wait in a bounded export queue; right before a batch is sent
 * they become SDK spans (ids, parents and times exactly as the mapper chose them) and go to the exporter.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import { type Resource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  type IdGenerator,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { createExportQueue, type QueueStats, realScheduler, type Scheduler, type SendResult } from "./export-queue.ts";
import { encodeTraceRequest } from "./otlp-protobuf.ts";
import { postOtlp } from "./otlp-transport.ts";
import type { FinishedSpan, SpanResource } from "./span-command.ts";

export type { ReadableSpan, SpanExporter };

export type OtlpExporterOptions = {
  endpoint: string;
  headers: Record<string, string>;
  protocol: "http/json" | "http/protobuf";
  timeoutMs: number;
  fetch?: typeof fetch;
};

type ExportError = Error & { retryable?: boolean; retryAfterMs?: number; tooLarge?: boolean; unreachable?: boolean };
/** A success may carry an OTLP partial success: spans the receiver refused (not to be retried). */
type ExportOutcome = { rejected?: number; rejectedMessage?: string };

/** OTLP/HTTP span exporter (JSON or protobuf body) over fetch; failures say whether a retry can help. */
export function createOtlpSpanExporter(opts: OtlpExporterOptions): SpanExporter {
  const json = opts.protocol === "http/json";
  // Protobuf bodies come from otlp-protobuf.ts: the same bytes as the SDK serializer, at a fraction of its CPU.
  const serializer = json ? JsonTraceSerializer : { serializeRequest: encodeTraceRequest };
  // Aborted by shutdown(): requests still waiting on a receiver end at once, as unreachable.
  const stopping = new AbortController();
  return {
    export(spans, done) {
      let body: Uint8Array | undefined;
      try {
        body = serializer.serializeRequest(spans);
      } catch (err) {
        body = undefined;
        done({ code: ExportResultCode.FAILED, error: Object.assign(toError(err), { retryable: false }) });
        return;
      }
      if (!body) {
        done({
          code: ExportResultCode.FAILED,
          error: Object.assign(new Error("serialization failed"), { retryable: false }),
        });
        return;
      }
      postOtlp({
        url: opts.endpoint,
        headers: opts.headers,
        body,
        contentType: json ? "application/json" : "application/x-protobuf",
        timeoutMs: opts.timeoutMs,
        fetch: opts.fetch,
        abort: stopping.signal,
      }).then((r) => {
        if (r.ok) {
          const outcome: ExportOutcome = { rejected: r.partial?.rejected, rejectedMessage: r.partial?.detail };
          done(Object.assign({ code: ExportResultCode.SUCCESS }, outcome));
        } else {
          const error: ExportError = Object.assign(new Error(r.error), {
            retryable: r.retryable,
            retryAfterMs: r.retryAfterMs,
            tooLarge: r.tooLarge,
            unreachable: r.unreachable,
          });
          done({ code: ExportResultCode.FAILED, error });
        }
      });
    },
    shutdown: async () => stopping.abort(new Error("stopped waiting at shutdown")),
    forceFlush: async () => {},
  };
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

export type SdkTracerOptions = {
  serviceName: string;
  version: string;
  hostName: string | null;
  resourceAttributes: Record<string, string>;
  maxAttributeChars: number;
  exporter: SpanExporter;
  ownsExporter: boolean;
  queue: { batchSize: number; delayMs: number; maxQueue: number; retries: number; timeoutMs: number };
  scheduler?: Scheduler;
  /** How long shutdown waits on requests in flight before the exporter stops waiting; default SHUTDOWN_GRACE_MS. */
  shutdownGraceMs?: number;
  onExportError?(error: string, spans: number, final: boolean): void;
  onExportRecovered?(): void;
};

// Export requests in flight at once: with one, a backend 50 ms away caps export at about
// 10,000 spans/s (512-span batches); four keep up with bursts and stay polite to a collector.
const MAX_IN_FLIGHT = 4;

// A receiver that accepts and never answers would hold shutdown for a whole request timeout
// (10 s by default, as long as `docker stop` waits before SIGKILL): past this, it is given up.
const SHUTDOWN_GRACE_MS = 5000;

// One tracer provider per sender (resource); a handful in practice, bounded for a hostile client.
const MAX_RESOURCES = 64;

/** Hands the SDK the ids the mapper chose: set right before each synchronous startSpan. */
class PresetIdGenerator implements IdGenerator {
  traceId = "";
  spanId = "";
  generateTraceId(): string {
    return this.traceId;
  }
  generateSpanId(): string {
    return this.spanId;
  }
}

export function createSdkTracer(opts: SdkTracerOptions) {
  const ids = new PresetIdGenerator();
  const scheduler = opts.scheduler;
  // The queue holds finished span records; SDK spans are made right before a batch is sent, so they
  // live for one tick instead of until the batch fills (less for the garbage collector to promote).
  const queue = createExportQueue<FinishedSpan | ReadableSpan>({
    ...opts.queue,
    maxInFlight: MAX_IN_FLIGHT,
    scheduler,
    send: (batch) => {
      const spans = toReadableSpans(batch);
      const lost = batch.length - spans.length;
      if (spans.length === 0) return Promise.resolve({ ok: true, lost });
      return sendBatch(opts.exporter, spans, opts.queue.timeoutMs, scheduler).then((r) => (r.ok ? { ...r, lost } : r));
    },
    onError: opts.onExportError,
    onRecovered: opts.onExportRecovered,
  });
  let ended: ReadableSpan | null = null;
  const processor: SpanProcessor = {
    onStart() {},
    onEnd: (span) => {
      ended = span;
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const tracers = new Map<string, ReturnType<BasicTracerProvider["getTracer"]>>();
  let lastRecordError: string | null = null;

  function resourceFor(r: SpanResource): Resource {
    const attrs: Record<string, string> = { ...opts.resourceAttributes };
    attrs["service.name"] = opts.serviceName;
    attrs["spanlight.version"] = opts.version;
    const host = r.hostName ?? opts.hostName;
    if (host) attrs["host.name"] = host;
    const instance = r.instanceId ?? opts.hostName;
    if (instance) attrs["service.instance.id"] = instance;
    if (r.containerId) attrs["container.id"] = r.containerId;
    if (r.agentId) attrs["spanlight.agent.id"] = r.agentId;
    return resourceFromAttributes(attrs);
  }

  function tracerFor(r: SpanResource) {
    const key = `${r.instanceId}|${r.hostName}|${r.containerId}|${r.agentId}`;
    let tracer = tracers.get(key);
    if (!tracer) {
      const provider = new BasicTracerProvider({
        resource: resourceFor(r),
        idGenerator: ids,
        sampler: new AlwaysOnSampler(),
        spanLimits: {
          attributeValueLengthLimit: opts.maxAttributeChars,
          attributeCountLimit: 128,
          eventCountLimit: 128,
          attributePerEventCountLimit: 32,
          linkCountLimit: 8,
          attributePerLinkCountLimit: 8,
        },
        spanProcessors: [processor],
      });
      tracer = provider.getTracer("spanlight", opts.version);
      if (tracers.size >= MAX_RESOURCES) tracers.delete(tracers.keys().next().value as string);
      tracers.set(key, tracer);
    }
    return tracer;
  }

  /** One finished span as an SDK span; null (counted) when the SDK refuses it. */
  function toSdkSpan(s: FinishedSpan): ReadableSpan | null {
    try {
      const tracer = tracerFor(s.resource);
      ids.traceId = s.traceId;
      ids.spanId = s.spanId;
      const parent = s.parentSpanId
        ? trace.setSpanContext(ROOT_CONTEXT, {
            traceId: s.traceId,
            spanId: s.parentSpanId,
            traceFlags: TraceFlags.SAMPLED,
          })
        : ROOT_CONTEXT;
      // Attributes after the start: passed to startSpan they are sanitized twice (tracer and sampler).
      const span = tracer.startSpan(s.name, { kind: SpanKind.INTERNAL, startTime: s.startMs }, parent);
      span.setAttributes(s.attributes);
      for (const ev of s.events) span.addEvent(ev.name, ev.attributes, ev.atMs);
      if (s.status.code === "error") span.setStatus({ code: SpanStatusCode.ERROR, message: s.status.message ?? "" });
      else if (s.status.code === "ok") span.setStatus({ code: SpanStatusCode.OK });
      ended = null;
      span.end(s.endMs);
      return ended;
    } catch (err) {
      lastRecordError = `recording span ${s.name} failed: ${toError(err).message}`;
      return null;
    }
  }

  function toReadableSpans(batch: Array<FinishedSpan | ReadableSpan>): ReadableSpan[] {
    const out: ReadableSpan[] = [];
    for (const item of batch) {
      const span = "startMs" in item ? toSdkSpan(item) : item;
      if (span) out.push(span);
    }
    return out;
  }

  /** Queues one finished span for export; cheap and never throws (it runs on the ingest path). */
  function record(s: FinishedSpan): void {
    queue.push(s);
  }

  return {
    record,
    /** Spans that are finished already (Claude Code's own, from the OTLP receiver): into the same queue, unchanged. */
    forward(spans: ReadableSpan[]): void {
      for (const span of spans) queue.push(span);
    },
    flush: () => queue.flush(),
    stats(): QueueStats {
      const q = queue.stats();
      return { ...q, lastError: q.lastError ?? lastRecordError };
    },
    /** Flushes the queue; shuts the exporter down only when `ownsExporter` (an injected one stays usable). */
    async shutdown(): Promise<void> {
      const timers = scheduler ?? realScheduler;
      // Only an exporter of our own is stopped early; an injected one stays usable.
      const grace = opts.ownsExporter
        ? timers.setTimeout(() => void opts.exporter.shutdown(), opts.shutdownGraceMs ?? SHUTDOWN_GRACE_MS)
        : null;
      try {
        await queue.flush();
      } finally {
        if (grace !== null) timers.clearTimeout(grace);
      }
      if (opts.ownsExporter) await opts.exporter.shutdown();
    },
  };
}

/** One exporter call as a promise; an exporter that never answers counts as a retryable timeout. */
function sendBatch(
  exporter: SpanExporter,
  batch: ReadableSpan[],
  timeoutMs: number,
  scheduler: Scheduler | undefined,
): Promise<SendResult> {
  return new Promise((resolve) => {
    let settled = false;
    const timers = scheduler ?? realScheduler;
    // The exporter has its own request timeout; this guards exporters that never call back.
    const guard = timers.setTimeout(
      () => finish({ ok: false, error: "exporter did not answer", retryable: true, unreachable: true }),
      timeoutMs * 2,
    );
    function finish(result: SendResult) {
      if (settled) return;
      settled = true;
      timers.clearTimeout(guard);
      resolve(result);
    }
    try {
      exporter.export(batch, (r) => {
        if (r.code === ExportResultCode.SUCCESS) {
          const { rejected, rejectedMessage } = r as ExportOutcome;
          return finish(rejected ? { ok: true, rejected, rejectedMessage } : { ok: true });
        }
        const error = r.error as ExportError | undefined;
        finish({
          ok: false,
          error: error?.message ?? "export failed",
          retryable: error?.retryable !== false,
          retryAfterMs: error?.retryAfterMs,
          tooLarge: error?.tooLarge,
          unreachable: error?.unreachable,
        });
      });
    } catch (err) {
      finish({ ok: false, error: toError(err).message, retryable: false });
    }
  });
}
