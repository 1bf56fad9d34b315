import type { Hono } from "hono";
import { createOtelPipeline, type SpanExporter, sessionSearchLinker } from "../../otel/mod.ts";
import { createWorkerOtelPipeline } from "../../otel/worker-pipeline.ts";
import type { SpawnExportWorker } from "../../otel/worker-protocol.ts";
import type { Config } from "../config/mod.ts";
import { createIngest, type HeaderGetter } from "../ingest/routes.ts";
import type { IngestKind } from "../ingest/validate.ts";
import { createOtlpForwarding, createOtlpReceiver, FORWARDED_HEADER, type OtlpForwardConfig } from "../otlp/mod.ts";
import { DOCTOR_SESSION_PREFIX } from "../schema/mod.ts";
import { type Clock, createStore, systemClock } from "../store/mod.ts";
import { createStreamHub } from "../stream/mod.ts";
import { ApiError } from "./api-error.ts";
import { createApp } from "./app.ts";
import { createCrossSiteCheck } from "./cross-site.ts";
import { createHostCheck, tokenError } from "./security.ts";

export const VERSION = "0.1.0";
// How often silent turns are checked for the idle timeout; the timeout itself is minutes.
const SWEEP_INTERVAL_MS = 5000;

export type SpanlightOptions = {
  config: Config;
  clock?: Clock;
  log?: (line: string) => void;
  /** The dashboard sub-app (static assets + SPA fallback). */
  ui?: Hono;
  /** host.name of exported spans; runtime entries pass the machine's name. */
  hostName?: string | null;
  /** Where Claude Code's OTLP logs and metrics are forwarded (otlpForwardFromEnv); spans follow otel.export. */
  otlpForward?: OtlpForwardConfig;
  /** Replaces the OTLP/HTTP span exporter (tests); export then runs in-thread. */
  spanExporter?: SpanExporter;
  /** Runs the OTel export (mapping, encoding, sending) on a worker thread; absent: in-thread. */
  exportWorker?: SpawnExportWorker;
};

export type Spanlight = ReturnType<typeof createSpanlight>;

/**
 * The one composition root: builds store → stream hub → app from settings and components.
 * Nothing here listens or reads env; runtime entries do that. `start()` begins the periodic
 * work (stats ticks, heartbeats, idle sweeps); tests drive `tick()` by hand with a fixed clock.
 */
export function createSpanlight({
  config,
  clock = systemClock,
  log = () => {},
  ui,
  hostName = null,
  otlpForward = { logsEndpoint: null, metricsEndpoint: null },
  spanExporter,
  exportWorker,
}: SpanlightOptions) {
  const startedAtMs = clock.now();
  const bootId = crypto.randomUUID();
  const store = createStore({ store: config.store, clock });
  // Everything Spanlight exports carries its boot id, so an export endpoint that points back at
  // this server is recognised by the OTLP receiver instead of looping (src/otlp/receiver.ts).
  const marker = { name: FORWARDED_HEADER, value: bootId };
  const otelConfig = {
    ...config.otel,
    export: { ...config.otel.export, headers: { ...config.otel.export.headers, [marker.name]: marker.value } },
  };
  const inThread = () =>
    createOtelPipeline({ config: otelConfig, clock, version: VERSION, hostName, log, exporter: spanExporter });
  const otel =
    exportWorker && config.otel.export.worker && !spanExporter
      ? createWorkerOtelPipeline({
          config: otelConfig,
          version: VERSION,
          hostName,
          log,
          spawn: exportWorker,
          fallback: inThread,
        })
      : inThread();
  store.subscribe((e) => {
    if (!e.sessionId?.startsWith(DOCTOR_SESSION_PREFIX)) otel.onEvent(e);
  });
  const exportStats = () => otel.stats();
  const forwarding = createOtlpForwarding({
    otel: config.otel,
    forward: otlpForward,
    exportNative: (spans) => otel.exportNative(spans),
    marker,
    log,
  });
  const otlp = createOtlpReceiver({
    limits: config.limits,
    store,
    now: () => clock.now(),
    sinks: forwarding.sinks,
    selfMarker: bootId,
  });
  store.provideOtlpStats(() => otlp.stats());
  const hub = createStreamHub({
    store,
    config: config.stream,
    version: VERSION,
    bootId,
    stats: () => store.stats(exportStats()),
  });
  const app = createApp({
    config,
    store,
    hub,
    version: VERSION,
    startedAtMs,
    now: () => clock.now(),
    exportStats,
    linkTrace: config.otel.export.enabled ? (sessionId, turn) => otel.linkTurn(sessionId, turn) : undefined,
    linkSession: config.otel.export.enabled
      ? sessionSearchLinker(config.otel.jaegerUrl, config.otel.serviceName)
      : undefined,
    otlp,
    ui,
    log,
  });
  const timers: Array<ReturnType<typeof setInterval>> = [];
  const ingest = createIngest({ limits: config.limits, sink: store, now: () => clock.now() });
  const hostError = createHostCheck({ host: config.server.host, allowedHosts: config.server.allowedHosts });
  const crossSiteError = createCrossSiteCheck(config.server);

  /**
   * The ingest routes without the router, for runtime entries that can take a faster path for
   * the hottest requests (Node's http server): same guards, same ingest, same replies and errors
   * as POST /v1/hooks/claude-code, /hooks and /telemetry through `fetch`.
   */
  function ingestDirect(
    kind: IngestKind,
    body: Uint8Array | { tooLarge: number },
    headers: HeaderGetter,
  ): { status: number; body: unknown } {
    try {
      // The app's guard order: Host, then cross-site (which trusts the vetted Host), then token.
      const denied =
        hostError(headers.get("host")) ??
        crossSiteError(headers) ??
        tokenError(config.server.token, headers.get("authorization"));
      if (denied) throw denied;
      if (!(body instanceof Uint8Array)) {
        store.countRejected(1);
        const limit = config.limits.bodyBytes;
        throw new ApiError(
          "payload_too_large",
          `Body is ${body.tooLarge} bytes; the limit is ${limit} (limits.bodyBytes).`,
        );
      }
      return ingest(kind, body, headers);
    } catch (err) {
      if (err instanceof ApiError) return { status: err.status, body: err.toBody() };
      log(`internal error on direct ${kind} ingest: ${(err as Error).stack ?? err}`);
      return {
        status: 500,
        body: new ApiError("internal", "Internal error; the server logged it and keeps serving.").toBody(),
      };
    }
  }

  function every(ms: number, fn: () => void) {
    const t = setInterval(() => {
      try {
        fn();
      } catch (err) {
        log(`periodic task failed: ${(err as Error).message}`);
      }
    }, ms);
    // Timers must not keep a process alive that is otherwise done (Node/Bun; Deno ignores unref).
    (t as { unref?: () => void }).unref?.();
    timers.push(t);
  }

  return {
    app,
    version: VERSION,
    fetch: app.fetch,
    store,
    hub,
    bootId,
    otel,
    otlp,
    ingestDirect,
    start(): void {
      every(config.stream.statsIntervalMs, () => hub.tick());
      every(config.stream.heartbeatMs, () => hub.heartbeat());
      every(SWEEP_INTERVAL_MS, () => {
        store.sweep();
        otel.sweep();
      });
    },
    /** Stops timers and closes SSE streams, then flushes what export and forwarding still hold. */
    async close(): Promise<void> {
      for (const t of timers) clearInterval(t);
      hub.close();
      await forwarding.flush();
      await otel.shutdown();
    },
  };
}
