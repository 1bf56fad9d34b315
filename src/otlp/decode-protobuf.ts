import { mayHoldSurrogateBytes, wellFormedDeep } from "../ingest/well-formed.ts";
import { ApiError } from "../server/api-error.ts";
import { setKey } from "./json-values.ts";
import type {
  AnyValue,
  Attributes,
  DecodedRequest,
  MetricData,
  NumberDataPoint,
  OtlpMetric,
  OtlpResource,
  OtlpScope,
  OtlpSignal,
  OtlpSpan,
} from "./otlp-model.ts";
import {
  decodeRequest,
  type PbAnyValue,
  type PbKeyValue,
  type PbLogRecord,
  type PbMetric,
  type PbNumberDataPoint,
  type PbRequest,
  type PbResource,
  type PbScope,
  type PbSpan,
} from "./proto-messages.ts";

/**
 * OTLP/protobuf → the decoded model: protobufjs reads the wire format with the code generated
 * from opentelemetry-proto (proto-messages.ts); this module applies the rules the wire format
 * cannot express, the same ones decode-json.ts applies to OTLP/JSON. Ids of the wrong length
 * are a malformed request (the OpenTelemetry Collector rejects them the same way); values nested
 * deeper than the limit too.
 */

export type ProtoLimits = { maxDepth: number };

class InvalidMessage extends Error {}

/** Walks the decoded objects with the nesting depth of the protobuf message being read. */
type Ctx = { limits: ProtoLimits; depth: number };
const deeper = (ctx: Ctx, by = 1): Ctx => ({ limits: ctx.limits, depth: ctx.depth + by });

function hexId(raw: Uint8Array | undefined, bytes: number, what: string): string {
  if (!raw || raw.length === 0) return "";
  if (raw.length !== bytes) throw new InvalidMessage(`${what}: ${raw.length} bytes, expected ${bytes}`);
  let hex = "";
  for (const b of raw) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** int64 as a number when a double holds it exactly, else its decimal string (as in OTLP/JSON). */
function int64(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

// ctx is the AnyValue's own message depth; an ArrayValue's items are two levels down, a
// KeyValueList's values three (KeyValueList → KeyValue → AnyValue).
function anyValue(v: PbAnyValue | undefined, ctx: Ctx): AnyValue {
  if (ctx.depth > ctx.limits.maxDepth) throw new InvalidMessage(`AnyValue nested deeper than ${ctx.limits.maxDepth}`);
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return int64(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map((x) => anyValue(x, deeper(ctx, 2)));
  if (v.kvlistValue) return attributes(v.kvlistValue.values, deeper(ctx));
  // A copy as a plain Uint8Array: protobufjs hands out views of the request body (Buffers on Node).
  if (v.bytesValue) return new Uint8Array(v.bytesValue);
  return null;
}

/** A repeated KeyValue field of the message at ctx; a repeated key keeps its last value. */
function attributes(list: PbKeyValue[] | undefined, ctx: Ctx): Attributes {
  const out: Attributes = {};
  for (const kv of list ?? []) setKey(out, kv.key ?? "", anyValue(kv.value, deeper(ctx, 2)));
  return out;
}

function resource(r: PbResource | undefined, ctx: Ctx): OtlpResource {
  return { attributes: attributes(r?.attributes, ctx), droppedAttributesCount: r?.droppedAttributesCount ?? 0 };
}

function scope(s: PbScope | undefined, ctx: Ctx): OtlpScope {
  return {
    name: s?.name ?? "",
    version: s?.version ?? "",
    attributes: attributes(s?.attributes, ctx),
    droppedAttributesCount: s?.droppedAttributesCount ?? 0,
  };
}

function span(s: PbSpan, ctx: Ctx): OtlpSpan {
  return {
    traceId: hexId(s.traceId, 16, "Span.trace_id"),
    spanId: hexId(s.spanId, 8, "Span.span_id"),
    parentSpanId: hexId(s.parentSpanId, 8, "Span.parent_span_id") || null,
    traceState: s.traceState ?? "",
    flags: s.flags ?? 0,
    name: s.name ?? "",
    kind: s.kind ?? 0,
    startTimeUnixNano: s.startTimeUnixNano ?? "0",
    endTimeUnixNano: s.endTimeUnixNano ?? "0",
    attributes: attributes(s.attributes, ctx),
    droppedAttributesCount: s.droppedAttributesCount ?? 0,
    events: (s.events ?? []).map((e) => ({
      timeUnixNano: e.timeUnixNano ?? "0",
      name: e.name ?? "",
      attributes: attributes(e.attributes, deeper(ctx)),
      droppedAttributesCount: e.droppedAttributesCount ?? 0,
    })),
    droppedEventsCount: s.droppedEventsCount ?? 0,
    links: (s.links ?? []).map((l) => ({
      traceId: hexId(l.traceId, 16, "Span.Link.trace_id"),
      spanId: hexId(l.spanId, 8, "Span.Link.span_id"),
      traceState: l.traceState ?? "",
      attributes: attributes(l.attributes, deeper(ctx)),
      droppedAttributesCount: l.droppedAttributesCount ?? 0,
      flags: l.flags ?? 0,
    })),
    droppedLinksCount: s.droppedLinksCount ?? 0,
    status: { code: s.status?.code ?? 0, message: s.status?.message ?? "" },
  };
}

function logRecord(r: PbLogRecord, ctx: Ctx) {
  return {
    timeUnixNano: r.timeUnixNano ?? "0",
    observedTimeUnixNano: r.observedTimeUnixNano ?? "0",
    severityNumber: r.severityNumber ?? 0,
    severityText: r.severityText ?? "",
    body: r.body ? anyValue(r.body, deeper(ctx)) : undefined,
    attributes: attributes(r.attributes, ctx),
    droppedAttributesCount: r.droppedAttributesCount ?? 0,
    flags: r.flags ?? 0,
    traceId: hexId(r.traceId, 16, "LogRecord.trace_id") || null,
    spanId: hexId(r.spanId, 8, "LogRecord.span_id") || null,
    eventName: r.eventName ?? "",
  };
}

// ctx is the data point's own depth.
function numberPoint(p: PbNumberDataPoint, ctx: Ctx): NumberDataPoint {
  const isInt = p.asInt !== undefined;
  return {
    attributes: attributes(p.attributes, ctx),
    startTimeUnixNano: p.startTimeUnixNano ?? "0",
    timeUnixNano: p.timeUnixNano ?? "0",
    value: isInt ? Number(p.asInt) : (p.asDouble ?? 0),
    isInt,
    flags: p.flags ?? 0,
  };
}

/** Sums and gauges point by point, the other kinds counted (as in OTLP/JSON). */
function metric(m: PbMetric, ctx: Ctx): OtlpMetric {
  if (!m.name) throw new InvalidMessage("Metric without a name");
  const points = (list: PbNumberDataPoint[] | undefined) => (list ?? []).map((p) => numberPoint(p, deeper(ctx, 2)));
  let data: MetricData = { kind: "empty" };
  if (m.sum) {
    data = {
      kind: "sum",
      temporality: m.sum.aggregationTemporality ?? 0,
      isMonotonic: m.sum.isMonotonic === true,
      points: points(m.sum.dataPoints),
    };
  } else if (m.gauge) data = { kind: "gauge", points: points(m.gauge.dataPoints) };
  else if (m.histogram) data = { kind: "histogram", pointCount: m.histogram.dataPoints?.length ?? 0 };
  else if (m.exponentialHistogram) {
    data = { kind: "exponentialHistogram", pointCount: m.exponentialHistogram.dataPoints?.length ?? 0 };
  } else if (m.summary) data = { kind: "summary", pointCount: m.summary.dataPoints?.length ?? 0 };
  return { name: m.name, description: m.description ?? "", unit: m.unit ?? "", data };
}

function toModel(pb: PbRequest, limits: ProtoLimits): DecodedRequest {
  // Depths: the request is 0, a Resource* 1, its resource and Scope* 2, a scope and its items 3.
  const at = (depth: number): Ctx => ({ limits, depth });
  switch (pb.signal) {
    case "traces":
      return {
        signal: pb.signal,
        resourceSpans: (pb.resourceSpans ?? []).map((rs) => ({
          resource: resource(rs.resource, at(2)),
          schemaUrl: rs.schemaUrl ?? "",
          scopeSpans: (rs.scopeSpans ?? []).map((ss) => ({
            scope: scope(ss.scope, at(3)),
            schemaUrl: ss.schemaUrl ?? "",
            spans: (ss.spans ?? []).map((s) => span(s, at(3))),
          })),
        })),
      };
    case "logs":
      return {
        signal: pb.signal,
        resourceLogs: (pb.resourceLogs ?? []).map((rl) => ({
          resource: resource(rl.resource, at(2)),
          schemaUrl: rl.schemaUrl ?? "",
          scopeLogs: (rl.scopeLogs ?? []).map((sl) => ({
            scope: scope(sl.scope, at(3)),
            schemaUrl: sl.schemaUrl ?? "",
            logRecords: (sl.logRecords ?? []).map((r) => logRecord(r, at(3))),
          })),
        })),
      };
    case "metrics":
      return {
        signal: pb.signal,
        resourceMetrics: (pb.resourceMetrics ?? []).map((rm) => ({
          resource: resource(rm.resource, at(2)),
          schemaUrl: rm.schemaUrl ?? "",
          scopeMetrics: (rm.scopeMetrics ?? []).map((sm) => ({
            scope: scope(sm.scope, at(3)),
            schemaUrl: sm.schemaUrl ?? "",
            metrics: (sm.metrics ?? []).map((m) => metric(m, at(3))),
          })),
        })),
      };
  }
}

/** Why protobufjs refused a body, in words a client can act on. */
function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // protobufjs reports a field running past the end as "index out of range: 12 + 8 > 15".
  if (/index out of range/.test(message)) return `truncated message (${message})`;
  // Only a message nested absurdly deep gets here: the decoder recurses per level.
  if (err instanceof RangeError && /call stack/i.test(message)) return "message nested too deeply";
  return message;
}

function invalid(signal: OtlpSignal, why: string): ApiError {
  return new ApiError("invalid_body", `Body is not a valid OTLP/protobuf ${signal} request: ${why}.`);
}

/** An OTLP/protobuf body → the decoded request; throws ApiError (400) when it is malformed. */
export function decodeOtlpProtobuf(signal: OtlpSignal, bytes: Uint8Array, limits: ProtoLimits): DecodedRequest {
  let pb: PbRequest;
  try {
    pb = decodeRequest(signal, bytes);
  } catch (err) {
    throw invalid(signal, reason(err));
  }
  if (mayHoldSurrogateBytes(bytes)) pb = wellFormedDeep(pb) as PbRequest;
  try {
    return toModel(pb, limits);
  } catch (err) {
    if (err instanceof InvalidMessage) throw invalid(signal, err.message);
    throw err;
  }
}
