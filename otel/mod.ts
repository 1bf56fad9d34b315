import type { Config } from "../src/config/config-schema.ts";
import type { ResourceSpans } from "../src/otlp/otlp-model.ts";
import { toReadableSpans } from "../src/otlp/sdk-records.ts";
import type { ExportStats, NormalizedEvent, Turn } from "../src/schema/mod.ts";
import type { Scheduler } from "./export-queue.ts";
import { createRateLimitedLog } from "./rate-limited-log.ts";
import { createOtlpSpanExporter, createSdkTracer, type SpanExporter } from "./sdk-tracer.ts";
import { createSpanAssembler } from "./span-assembler.ts";
import type { SpanCommand } from "./span-command.ts";
import { toPromptKey, toTurnTraceId } from "./span-ids.ts";
import { createSpanMapper } from "./span-mapper.ts";

export { otelEnvToConfig } from "./env-config.ts";
export { createExportQueue, type Scheduler, type SendResult } from "./export-queue.ts";
export { postOtlp, shownUrl } from "./otlp-transport.ts";
export { createOtlpSpanExporter, type ReadableSpan, type SpanExporter } from "./sdk-tracer.ts";
export type { FinishedSpan, SpanCommand } from "./span-command.ts";

export type OtelPipelineOptions = {
  config: Config["otel"];
  /** Epoch ms; default Date.now. Drives timeouts only — span times come from the events. */
  clock?: { now(): number };
  /** Spanlight's version, exported as the resource attribute spanlight.version. */
  version: string;
  hostName: string | null;
  log?: (line: string) => void;
  /** Default: OTLP/HTTP (JSON or protobuf per config) to otel.export.endpoint. */
  exporter?: SpanExporter;
  /** Timers for batching and retry backoff; tests pass a manual one. */
  scheduler?: Scheduler;
};

export type OtelPipeline = {
  /** Called synchronously for every stored event; cheap and never throws. */
  onEvent(e: NormalizedEvent): void;
  /** Ends spans past the configured timeouts (marked incomplete); call every few seconds. */
  sweep(): void;
  stats(): ExportStats;
  /** The trace of a turn and its Jaeger link; null when export is off. */
  linkTurn(sessionId: string, turn: Turn): { traceId: string; traceUrl: string | null } | null;
  /** Ends open spans as incomplete (reason: shutdown) and flushes the export queue. */
  shutdown(): Promise<void>;
  /**
   * Claude Code's own spans (decoded by the OTLP receiver, attributes already rewritten for
   * privacy) into the same export queue, otherwise unchanged; returns how many were queued
   * (0 when export or `otel.forwardNative` is off). Plain data, so it can cross to a worker.
   */
  exportNative(resourceSpans: ResourceSpans[]): number;
};

// One line per kind of trouble per minute at most.
const LOG_INTERVAL_MS = 60_000;

/**
 * A Jaeger search for every trace of a session (its turns, its lifecycle trace, another agent's
 * runs): they all carry `session.id`. The time range runs from a minute before the session began
 * to a day after its last event, so a session older than Jaeger's default hour is found too.
 */
export function sessionSearchLinker(jaegerUrl: string | null, serviceName: string) {
  const base = jaegerUrl?.replace(/\/+$/, "") ?? null;
  return (s: { sessionId: string; startedAt: string; lastEventAt: string }): string | null => {
    if (!base) return null;
    const micros = (ms: number) => String(Math.max(0, Math.round(ms)) * 1000);
    const query = new URLSearchParams({
      service: serviceName,
      tags: JSON.stringify({ "session.id": s.sessionId }),
      lookback: "custom",
      start: micros(Date.parse(s.startedAt) - 60_000),
      end: micros(Date.parse(s.lastEventAt) + 86_400_000),
      limit: "100",
    });
    return `${base}/search?${query}`;
  };
}

/** A turn's trace id and Jaeger link: pure (ids are derived), so it needs no pipeline state. */
export function turnLinker(jaegerUrl: string | null) {
  const base = jaegerUrl?.replace(/\/+$/, "") ?? null;
  return (sessionId: string, turn: Turn) => {
    const traceId = toTurnTraceId(sessionId, toPromptKey(turn.promptId, turn.index));
    return { traceId, traceUrl: base ? `${base}/trace/${traceId}` : null };
  };
}

export function disabledPipeline(): OtelPipeline {
  return {
    onEvent() {},
    sweep() {},
    stats: () => ({ enabled: false, exported: 0, dropped: 0, failed: 0, queued: 0, lastError: null }),
    linkTurn: () => null,
    shutdown: async () => {},
    exportNative: () => 0,
  };
}

/**
 * Normalized events → OpenTelemetry spans → OTLP. When export is off nothing is mapped and
 * nothing is sent. Failures of any stage are counted and logged (rate-limited), never thrown.
 */
export function createOtelPipeline(options: OtelPipelineOptions): OtelPipeline {
  const { config, clock = { now: () => Date.now() }, version, hostName, log = () => {} } = options;
  if (!config.export.enabled) return disabledPipeline();
  const logLimited = createRateLimitedLog(log, clock, LOG_INTERVAL_MS);
  const exporter =
    options.exporter ??
    createOtlpSpanExporter({
      endpoint: config.export.endpoint,
      headers: config.export.headers,
      protocol: config.export.protocol,
      timeoutMs: config.export.timeoutMs,
    });
  const sdk = createSdkTracer({
    serviceName: config.serviceName,
    version,
    hostName,
    resourceAttributes: config.resourceAttributes,
    maxAttributeChars: config.maxAttributeChars,
    exporter,
    ownsExporter: !options.exporter,
    queue: config.export,
    scheduler: options.scheduler,
    onExportError(error, spans, final) {
      logLimited(
        "export",
        final
          ? `otel: export of ${spans} spans failed, giving up: ${error}`
          : `otel: export of ${spans} spans failed, will retry: ${error}`,
      );
    },
    onExportRecovered: () => logLimited("recovered", "otel: export works again"),
  });
  const assembler = createSpanAssembler((span) => sdk.record(span));
  const mapper = createSpanMapper({
    capture: config.capture,
    maxAttributeChars: config.maxAttributeChars,
    maxOpenSpans: config.maxOpenSpans,
    toolTimeoutMs: config.toolTimeoutMs,
    turnTimeoutMs: config.turnTimeoutMs,
  });
  let mappingErrors = 0;
  let lastMappingError: string | null = null;
  let stopped = false;

  /** Runs one mapping step; a failure is counted and logged, never thrown into ingest. */
  function guarded(e: NormalizedEvent | null, produce: () => SpanCommand[]): void {
    try {
      assembler.applyAll(produce());
    } catch (err) {
      mappingErrors++;
      // The message is built only here: onEvent runs for every stored event.
      const what = e ? `mapping ${e.type} #${e.seq}` : "sweeping open spans";
      lastMappingError = `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
      logLimited("mapping", `otel: ${lastMappingError}`);
    }
  }

  return {
    onEvent(e) {
      if (!stopped) guarded(e, () => mapper.map(e, clock.now()));
    },
    sweep() {
      if (!stopped) guarded(null, () => mapper.sweep(clock.now()));
    },
    stats() {
      const s = sdk.stats();
      return {
        enabled: true,
        exported: s.exported,
        dropped: s.dropped + mappingErrors,
        failed: s.failed,
        queued: s.queued,
        lastError: s.lastError ?? lastMappingError,
        thread: "main",
      };
    },
    linkTurn: turnLinker(config.jaegerUrl),
    exportNative(resourceSpans) {
      if (stopped || !config.forwardNative) return 0;
      const spans = toReadableSpans(resourceSpans);
      if (spans.length > 0) sdk.forward(spans);
      return spans.length;
    },
    async shutdown() {
      if (stopped) return;
      guarded(null, () => mapper.endAll("shutdown"));
      stopped = true;
      const failedBefore = sdk.stats().failed;
      try {
        await sdk.shutdown();
      } catch (err) {
        logLimited("shutdown", `otel: flush at shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      // The last word on what this run could not deliver: the per-failure lines are rate-limited.
      const s = sdk.stats();
      const lost = s.failed - failedBefore + s.queued;
      if (lost > 0) {
        try {
          log(`otel: at shutdown ${lost} spans could not be exported (${s.lastError ?? "unknown error"})`);
        } catch {
          // A broken log sink must not break shutdown.
        }
      }
    },
  };
}
