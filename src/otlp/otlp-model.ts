/**
 * The decoded form of an OTLP export request, the same whether it arrived as OTLP/JSON or as
 * protobuf (opentelemetry-proto v1: common, resource, trace, logs, metrics). Ids are lowercase
 * hex; times stay exact as decimal nanosecond strings; int64 values become numbers when they fit
 * a double exactly, else decimal strings. Only the metric kinds Spanlight reads (sums, gauges)
 * are decoded point by point; the others are counted.
 */

export type AnyValue = string | number | boolean | Uint8Array | null | AnyValue[] | { [key: string]: AnyValue };

/** OTLP KeyValue lists as a record; a repeated key keeps its last value. */
export type Attributes = Record<string, AnyValue>;

export type OtlpResource = { attributes: Attributes; droppedAttributesCount: number };

export type OtlpScope = { name: string; version: string; attributes: Attributes; droppedAttributesCount: number };

export type OtlpSpanEvent = {
  timeUnixNano: string;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
};

export type OtlpLink = {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
};

/** Span.StatusCode: 0 unset, 1 ok, 2 error. */
export type OtlpStatus = { code: number; message: string };

export type OtlpSpan = {
  /** 32 hex characters; all zeros (or empty) marks an invalid span, rejected with partial success. */
  traceId: string;
  /** 16 hex characters. */
  spanId: string;
  parentSpanId: string | null;
  traceState: string;
  flags: number;
  name: string;
  /** Span.SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: OtlpSpanEvent[];
  droppedEventsCount: number;
  links: OtlpLink[];
  droppedLinksCount: number;
  status: OtlpStatus;
};

export type ScopeSpans = { scope: OtlpScope; schemaUrl: string; spans: OtlpSpan[] };
export type ResourceSpans = { resource: OtlpResource; schemaUrl: string; scopeSpans: ScopeSpans[] };

export type OtlpLogRecord = {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: AnyValue | undefined;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
  traceId: string | null;
  spanId: string | null;
  eventName: string;
};

export type ScopeLogs = { scope: OtlpScope; schemaUrl: string; logRecords: OtlpLogRecord[] };
export type ResourceLogs = { resource: OtlpResource; schemaUrl: string; scopeLogs: ScopeLogs[] };

export type NumberDataPoint = {
  attributes: Attributes;
  startTimeUnixNano: string;
  timeUnixNano: string;
  value: number;
  /** as_int (true) or as_double (false). */
  isInt: boolean;
  flags: number;
};

/** AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative. */
export type MetricData =
  | { kind: "sum"; temporality: number; isMonotonic: boolean; points: NumberDataPoint[] }
  | { kind: "gauge"; points: NumberDataPoint[] }
  | { kind: "histogram" | "exponentialHistogram" | "summary"; pointCount: number }
  | { kind: "empty" };

export type OtlpMetric = { name: string; description: string; unit: string; data: MetricData };

export type ScopeMetrics = { scope: OtlpScope; schemaUrl: string; metrics: OtlpMetric[] };
export type ResourceMetrics = { resource: OtlpResource; schemaUrl: string; scopeMetrics: ScopeMetrics[] };

export type OtlpSignal = "traces" | "logs" | "metrics";

export type DecodedRequest =
  | { signal: "traces"; resourceSpans: ResourceSpans[] }
  | { signal: "logs"; resourceLogs: ResourceLogs[] }
  | { signal: "metrics"; resourceMetrics: ResourceMetrics[] };

export const ZERO_TRACE_ID = "0".repeat(32);
export const ZERO_SPAN_ID = "0".repeat(16);

/** Items in a decoded request (spans, log records or data points), for the batch limit. */
export function countItems(request: DecodedRequest): number {
  let n = 0;
  switch (request.signal) {
    case "traces":
      for (const rs of request.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
      return n;
    case "logs":
      for (const rl of request.resourceLogs) for (const sl of rl.scopeLogs) n += sl.logRecords.length;
      return n;
    case "metrics":
      for (const rm of request.resourceMetrics)
        for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += pointCount(m.data);
      return n;
  }
}

export function pointCount(data: MetricData): number {
  switch (data.kind) {
    case "sum":
    case "gauge":
      return data.points.length;
    case "histogram":
    case "exponentialHistogram":
    case "summary":
      return data.pointCount;
    case "empty":
      return 0;
  }
}

/** Nanoseconds since the epoch (decimal string) → milliseconds, keeping sub-millisecond precision. */
export function nanosToMs(nanos: string): number {
  if (nanos.length <= 15) return Number(nanos) / 1e6;
  const big = BigInt(nanos);
  return Number(big / 1_000_000n) + Number(big % 1_000_000n) / 1e6;
}

/** Nanoseconds → ISO 8601 (ms); null for 0 (unset). */
export function nanosToIso(nanos: string): string | null {
  if (nanos === "0" || nanos === "") return null;
  const ms = nanosToMs(nanos);
  return Number.isFinite(ms) && ms > 0 && ms < 8.64e15 ? new Date(Math.floor(ms)).toISOString() : null;
}
