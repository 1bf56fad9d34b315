import { JsonLogsSerializer, ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import { createExportQueue, postOtlp, type Scheduler, shownUrl } from "../../otel/mod.ts";
import type { Config } from "../config/config-schema.ts";
import type { OtlpStats } from "../schema/mod.ts";
import type { ResourceLogs, ResourceSpans } from "./otlp-model.ts";
import { outboundAttributes, outboundText, redactValue } from "./outbound-privacy.ts";
import type { OtlpSinks } from "./receiver.ts";
import { mapResourceSpans, toLogRecords } from "./sdk-records.ts";

/** Where Claude Code's logs and metrics go on to (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT / _METRICS_ENDPOINT). */
export type OtlpForwardConfig = { logsEndpoint: string | null; metricsEndpoint: string | null };

/** The standard per-signal endpoint variables, read by the runtime entry (this module reads no env). */
export function otlpForwardFromEnv(env: Record<string, string | undefined>): OtlpForwardConfig {
  const url = (name: string) => env[name]?.trim() || null;
  return {
    logsEndpoint: url("SPANLIGHT_OTLP_FORWARD_LOGS") ?? url("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"),
    metricsEndpoint: url("SPANLIGHT_OTLP_FORWARD_METRICS") ?? url("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"),
  };
}

type Body = { body: Uint8Array; contentType: string };

type ForwarderOptions = {
  endpoint: string;
  headers: Record<string, string>;
  export: Config["otel"]["export"];
  scheduler?: Scheduler;
  log: (line: string) => void;
};

/** One request body at a time to one endpoint, through the same bounded queue and retries as spans. */
function createBodyForwarder({ endpoint, headers, export: exp, scheduler, log }: ForwarderOptions) {
  let lastLogged = 0;
  const queue = createExportQueue<Body>({
    batchSize: 1,
    delayMs: 0,
    maxQueue: Math.max(1, Math.ceil(exp.maxQueue / exp.batchSize)),
    retries: exp.retries,
    scheduler,
    send: ([item]) => postOtlp({ url: endpoint, headers, ...item!, timeoutMs: exp.timeoutMs }),
    onError(error, _n, final) {
      // One line a minute at most: a backend down for an hour must not flood the log.
      if (Date.now() - lastLogged < 60_000) return;
      lastLogged = Date.now();
      log(
        `otlp: forwarding to ${shownUrl(endpoint)} failed${final ? ", giving up on a request" : ", will retry"}: ${error}`,
      );
    },
  });
  return {
    push: (item: Body) => queue.push(item),
    flush: () => queue.flush(),
    stats: () => ({ endpoint: shownUrl(endpoint), ...queue.stats() }),
  };
}

export type ForwardingOptions = {
  otel: Config["otel"];
  forward: OtlpForwardConfig;
  /** Native spans (attributes already rewritten) into the span export queue (the OTel pipeline's exportNative). */
  exportNative: (resourceSpans: ResourceSpans[]) => number;
  /** Header that marks Spanlight's own exports, so a receiver can tell when it loops back to itself. */
  marker: { name: string; value: string };
  scheduler?: Scheduler;
  log?: (line: string) => void;
};

/**
 * The receiver's onward sinks when OTLP export is enabled: native spans through the span
 * exporter, logs (re-encoded after redaction) and metrics (as received) to their endpoints.
 */
export function createOtlpForwarding(options: ForwardingOptions): { sinks: OtlpSinks; flush(): Promise<void> } {
  const { otel, forward, marker, log = () => {} } = options;
  if (!otel.export.enabled) return { sinks: {}, flush: async () => {} };
  const headers = { ...otel.export.headers, [marker.name]: marker.value };
  const attributes = outboundAttributes(otel.capture, otel.maxAttributeChars);
  const make = (endpoint: string | null) =>
    endpoint
      ? createBodyForwarder({ endpoint, headers, export: otel.export, scheduler: options.scheduler, log })
      : null;
  const logs = make(forward.logsEndpoint);
  const metrics = make(forward.metricsEndpoint);
  const json = otel.export.protocol === "http/json";

  function forwardLogs(resourceLogs: ResourceLogs[]): void {
    if (!logs) return;
    const redacted = resourceLogs.map((rl) => ({
      ...rl,
      scopeLogs: rl.scopeLogs.map((sl) => ({
        ...sl,
        logRecords: sl.logRecords.map((r) => ({
          ...r,
          body: r.body === undefined ? undefined : redactValue(r.body, otel.maxAttributeChars),
        })),
      })),
    }));
    const records = toLogRecords(redacted, attributes, outboundText) as never;
    const body = (json ? JsonLogsSerializer : ProtobufLogsSerializer).serializeRequest(records);
    if (body) logs.push({ body, contentType: json ? "application/json" : "application/x-protobuf" });
  }

  const sinks: OtlpSinks = {
    spans: otel.forwardNative
      ? (resourceSpans) => options.exportNative(mapResourceSpans(resourceSpans, attributes, outboundText))
      : undefined,
    logs: logs ? forwardLogs : undefined,
    // Metrics carry counts, ids and model names only: they go on byte for byte.
    metrics: metrics ? (body, contentType) => metrics.push({ body: body.slice(), contentType }) : undefined,
    forwardStats: (): Pick<OtlpStats, "forwardLogs" | "forwardMetrics"> => ({
      forwardLogs: logs?.stats() ?? null,
      forwardMetrics: metrics?.stats() ?? null,
    }),
  };
  return {
    sinks,
    async flush() {
      await Promise.all([logs?.flush(), metrics?.flush()]);
    },
  };
}
