import { z } from "zod";
import { ApiError, formatPath } from "../server/api-error.ts";
import type {
  AnyValue,
  Attributes,
  DecodedRequest,
  MetricData,
  OtlpMetric,
  OtlpSignal,
  ResourceLogs,
  ResourceMetrics,
  ResourceSpans,
} from "./otlp-model.ts";

/**
 * OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding) → the decoded
 * model. The spec's JSON rules: ids are hex (base64 from generic protobuf-JSON encoders is
 * accepted too), 64-bit integers may be numbers or decimal strings, enums are integers (their
 * names are accepted), unknown fields are ignored and `null` means "not set".
 */

const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function base64ToHex(text: string): string | null {
  if (!BASE64.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    let hex = "";
    for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, "0");
    return hex;
  } catch {
    return null;
  }
}

/** A trace (16-byte) or span (8-byte) id as lowercase hex; "" when absent. */
function id(bytes: number) {
  return z
    .string()
    .nullish()
    .transform((text, ctx) => {
      if (!text) return "";
      if (text.length === bytes * 2 && HEX.test(text)) return text.toLowerCase();
      const hex = base64ToHex(text);
      if (hex !== null && hex.length === bytes * 2) return hex;
      ctx.addIssue({
        code: "custom",
        message: `expected a ${bytes}-byte id as ${bytes * 2} hex characters (or base64), got ${JSON.stringify(text.slice(0, 64))}`,
      });
      return z.NEVER;
    });
}

const INT = /^-?\d+$/;

/** int64 as a number when a double holds it exactly, else its decimal string. */
const int64 = z.union([z.number(), z.string()]).transform((v, ctx): number | string => {
  if (typeof v === "number") {
    if (Number.isInteger(v)) return v;
  } else if (INT.test(v.trim())) {
    const big = BigInt(v.trim());
    if (big >= -(2n ** 63n) && big < 2n ** 63n) {
      return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : `${big}`;
    }
  }
  ctx.addIssue({ code: "custom", message: `expected a 64-bit integer, got ${JSON.stringify(v)}` });
  return z.NEVER;
});

/** fixed64 nanosecond timestamps: exact decimal strings. */
const nanos = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v, ctx): string => {
    if (v === null || v === undefined || v === "") return "0";
    const text = typeof v === "number" ? (Number.isInteger(v) && v >= 0 ? BigInt(v).toString() : "") : v.trim();
    if (/^\d+$/.test(text) && BigInt(text) < 2n ** 64n) return BigInt(text).toString();
    ctx.addIssue({ code: "custom", message: `expected unsigned nanoseconds, got ${JSON.stringify(v)}` });
    return z.NEVER;
  });

const uint32 = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v, ctx): number => {
    if (v === null || v === undefined) return 0;
    const n = typeof v === "number" ? v : /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
    if (Number.isInteger(n) && n >= 0 && n <= 0xffffffff) return n;
    ctx.addIssue({ code: "custom", message: `expected an unsigned 32-bit integer, got ${JSON.stringify(v)}` });
    return z.NEVER;
  });

const double = z.union([z.number(), z.string()]).transform((v, ctx): number => {
  if (typeof v === "number") return v;
  const special: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, "-Infinity": -Infinity };
  if (v in special) return special[v]!;
  const n = Number(v);
  if (v.trim() !== "" && !Number.isNaN(n)) return n;
  ctx.addIssue({ code: "custom", message: `expected a number, got ${JSON.stringify(v)}` });
  return z.NEVER;
});

function enumOf(names: readonly string[]) {
  return z
    .union([z.number().int(), z.string()])
    .nullish()
    .transform((v, ctx): number => {
      if (v === null || v === undefined) return 0;
      if (typeof v === "number") return v;
      const i = names.indexOf(v);
      if (i >= 0) return i;
      ctx.addIssue({ code: "custom", message: `unknown enum value ${JSON.stringify(v)}` });
      return z.NEVER;
    });
}

const spanKind = enumOf([
  "SPAN_KIND_UNSPECIFIED",
  "SPAN_KIND_INTERNAL",
  "SPAN_KIND_SERVER",
  "SPAN_KIND_CLIENT",
  "SPAN_KIND_PRODUCER",
  "SPAN_KIND_CONSUMER",
]);
const statusCode = enumOf(["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"]);
const temporality = enumOf([
  "AGGREGATION_TEMPORALITY_UNSPECIFIED",
  "AGGREGATION_TEMPORALITY_DELTA",
  "AGGREGATION_TEMPORALITY_CUMULATIVE",
]);
// SeverityNumber names are SEVERITY_NUMBER_TRACE … FATAL4 (1–24).
const SEVERITIES = ["UNSPECIFIED", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"].flatMap((n, i) =>
  i === 0 ? ["SEVERITY_NUMBER_UNSPECIFIED"] : ["", "2", "3", "4"].map((s) => `SEVERITY_NUMBER_${n}${s}`),
);
const severity = enumOf(SEVERITIES);

const str = z
  .string()
  .nullish()
  .transform((v) => v ?? "");

const bytesValue = z.string().transform((v, ctx) => {
  try {
    const bin = atob(v.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    ctx.addIssue({ code: "custom", message: "expected base64 bytes" });
    return z.NEVER;
  }
});

/** Sets a key even when it is `__proto__` (an attribute key is data, never a prototype). */
export function setKey(record: Record<string, AnyValue>, key: string, value: AnyValue): void {
  if (key === "__proto__") Object.defineProperty(record, key, { value, enumerable: true, writable: true });
  else record[key] = value;
}

type KeyValue = { key: string; value: AnyValue };

const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z
    .object({
      stringValue: z.string().nullish(),
      boolValue: z.boolean().nullish(),
      intValue: int64.nullish(),
      doubleValue: double.nullish(),
      arrayValue: z.object({ values: z.array(anyValue).nullish() }).nullish(),
      kvlistValue: z.object({ values: z.array(keyValue).nullish() }).nullish(),
      bytesValue: bytesValue.nullish(),
    })
    .transform((v): AnyValue => {
      if (v.stringValue !== undefined && v.stringValue !== null) return v.stringValue;
      if (v.boolValue !== undefined && v.boolValue !== null) return v.boolValue;
      if (v.intValue !== undefined && v.intValue !== null) return v.intValue;
      if (v.doubleValue !== undefined && v.doubleValue !== null) return v.doubleValue;
      if (v.arrayValue) return v.arrayValue.values ?? [];
      if (v.kvlistValue) return toRecord(v.kvlistValue.values ?? []);
      if (v.bytesValue) return v.bytesValue;
      return null;
    }),
);

const keyValue: z.ZodType<KeyValue> = z.lazy(() =>
  z
    .object({ key: z.string(), value: anyValue.nullish() })
    .transform((kv) => ({ key: kv.key, value: kv.value ?? null })),
);

function toRecord(list: KeyValue[]): Attributes {
  const out: Attributes = {};
  for (const kv of list) setKey(out, kv.key, kv.value);
  return out;
}

const attributes = z
  .array(keyValue)
  .nullish()
  .transform((list) => toRecord(list ?? []));

const resource = z
  .object({ attributes, droppedAttributesCount: uint32 })
  .nullish()
  .transform((r) => r ?? { attributes: {}, droppedAttributesCount: 0 });

const scope = z
  .object({ name: str, version: str, attributes, droppedAttributesCount: uint32 })
  .nullish()
  .transform((s) => s ?? { name: "", version: "", attributes: {}, droppedAttributesCount: 0 });

const span = z.object({
  traceId: id(16),
  spanId: id(8),
  parentSpanId: id(8).transform((v) => (v === "" ? null : v)),
  traceState: str,
  flags: uint32,
  name: str,
  kind: spanKind,
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos,
  attributes,
  droppedAttributesCount: uint32,
  events: z
    .array(z.object({ timeUnixNano: nanos, name: str, attributes, droppedAttributesCount: uint32 }))
    .nullish()
    .transform((v) => v ?? []),
  droppedEventsCount: uint32,
  links: z
    .array(
      z.object({
        traceId: id(16),
        spanId: id(8),
        traceState: str,
        attributes,
        droppedAttributesCount: uint32,
        flags: uint32,
      }),
    )
    .nullish()
    .transform((v) => v ?? []),
  droppedLinksCount: uint32,
  status: z
    .object({ code: statusCode, message: str })
    .nullish()
    .transform((s) => s ?? { code: 0, message: "" }),
});

function list<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .nullish()
    .transform((v) => (v ?? []) as z.output<T>[]);
}

const tracesRequest = z.object({
  resourceSpans: list(
    z.object({
      resource,
      schemaUrl: str,
      scopeSpans: list(z.object({ scope, schemaUrl: str, spans: list(span) })),
    }),
  ),
});

const logRecord = z.object({
  timeUnixNano: nanos,
  observedTimeUnixNano: nanos,
  severityNumber: severity,
  severityText: str,
  body: anyValue.nullish().transform((v) => v ?? undefined),
  attributes,
  droppedAttributesCount: uint32,
  flags: uint32,
  traceId: id(16).transform((v) => (v === "" ? null : v)),
  spanId: id(8).transform((v) => (v === "" ? null : v)),
  eventName: str,
});

const logsRequest = z.object({
  resourceLogs: list(
    z.object({
      resource,
      schemaUrl: str,
      scopeLogs: list(z.object({ scope, schemaUrl: str, logRecords: list(logRecord) })),
    }),
  ),
});

const numberPoint = z
  .object({
    attributes,
    startTimeUnixNano: nanos,
    timeUnixNano: nanos,
    asDouble: double.nullish(),
    asInt: int64.nullish(),
    flags: uint32,
  })
  .transform((p) => ({
    attributes: p.attributes,
    startTimeUnixNano: p.startTimeUnixNano,
    timeUnixNano: p.timeUnixNano,
    value: p.asInt !== undefined && p.asInt !== null ? Number(p.asInt) : (p.asDouble ?? 0),
    isInt: p.asInt !== undefined && p.asInt !== null,
    flags: p.flags,
  }));

const counted = z
  .object({ dataPoints: z.array(z.unknown()).nullish() })
  .nullish()
  .transform((v) => v?.dataPoints?.length ?? 0);

const metric = z
  .object({
    name: str,
    description: str,
    unit: str,
    sum: z
      .object({
        dataPoints: list(numberPoint),
        aggregationTemporality: temporality,
        isMonotonic: z.boolean().nullish(),
      })
      .nullish(),
    gauge: z.object({ dataPoints: list(numberPoint) }).nullish(),
    histogram: counted,
    exponentialHistogram: counted,
    summary: counted,
  })
  .transform((m, ctx): OtlpMetric => {
    let data: MetricData = { kind: "empty" };
    if (m.sum) {
      data = {
        kind: "sum",
        temporality: m.sum.aggregationTemporality,
        isMonotonic: m.sum.isMonotonic === true,
        points: m.sum.dataPoints,
      };
    } else if (m.gauge) data = { kind: "gauge", points: m.gauge.dataPoints };
    else if (m.histogram) data = { kind: "histogram", pointCount: m.histogram };
    else if (m.exponentialHistogram) data = { kind: "exponentialHistogram", pointCount: m.exponentialHistogram };
    else if (m.summary) data = { kind: "summary", pointCount: m.summary };
    if (!m.name) ctx.addIssue({ code: "custom", message: "metric without a name", path: ["name"] });
    return { name: m.name, description: m.description, unit: m.unit, data };
  });

const metricsRequest = z.object({
  resourceMetrics: list(
    z.object({
      resource,
      schemaUrl: str,
      scopeMetrics: list(z.object({ scope, schemaUrl: str, metrics: list(metric) })),
    }),
  ),
});

function invalid(error: z.ZodError): ApiError {
  const issues = error.issues.slice(0, 20).map((i) => ({ path: formatPath(i.path), message: i.message }));
  const first = issues[0];
  return new ApiError("validation_failed", first ? `${first.path}: ${first.message}` : "Invalid OTLP/JSON.", issues);
}

/** A parsed OTLP/JSON body → the decoded request; throws ApiError (400) naming the first bad field. */
export function decodeOtlpJson(signal: OtlpSignal, body: unknown): DecodedRequest {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ApiError("invalid_body", "An OTLP/JSON body is one JSON object (an Export*ServiceRequest).");
  }
  switch (signal) {
    case "traces": {
      const parsed = tracesRequest.safeParse(body);
      if (!parsed.success) throw invalid(parsed.error);
      return { signal, resourceSpans: parsed.data.resourceSpans as ResourceSpans[] };
    }
    case "logs": {
      const parsed = logsRequest.safeParse(body);
      if (!parsed.success) throw invalid(parsed.error);
      return { signal, resourceLogs: parsed.data.resourceLogs as ResourceLogs[] };
    }
    case "metrics": {
      const parsed = metricsRequest.safeParse(body);
      if (!parsed.success) throw invalid(parsed.error);
      return { signal, resourceMetrics: parsed.data.resourceMetrics as ResourceMetrics[] };
    }
  }
}
