import { z } from "zod";
import { ApiError, formatPath } from "../server/api-error.ts";
import {
  anyValue,
  attributes,
  double,
  id,
  int64,
  nanos,
  resource,
  scope,
  severity,
  spanKind,
  statusCode,
  str,
  temporality,
  uint32,
} from "./json-values.ts";
import type {
  DecodedRequest,
  MetricData,
  OtlpMetric,
  OtlpSignal,
  ResourceLogs,
  ResourceMetrics,
  ResourceSpans,
} from "./otlp-model.ts";

/**
 * OTLP/JSON request bodies → the decoded model. Unknown fields are ignored, as the spec asks;
 * the scalar rules (ids, 64-bit integers, enums) are in json-values.ts.
 */

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
