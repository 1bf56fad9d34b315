import type { HrTime, Attributes as SdkAttributes, SpanContext } from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import { type Resource, resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { Attributes, OtlpResource, OtlpScope, OtlpSpan, ResourceLogs, ResourceSpans } from "./otlp-model.ts";

/**
 * Decoded OTLP → the OpenTelemetry JS SDK's record types, so that native spans (and logs) go
 * out through the same serializers and export queue as Spanlight's own spans: ids, parents,
 * nanosecond times, kinds, status, events, links, resource and scope are carried over as sent.
 * `attributes` lets the caller rewrite attribute sets on the way (redaction, privacy switches), and
 * `text` the free text beside them: span and span event names, status messages, log severity
 * texts and event names.
 */

export type AttributeScope = "resource" | "scope" | "span" | "event" | "link" | "log";
export type AttributeMapper = (attributes: Attributes, where: AttributeScope) => Attributes;
export type TextMapper = (text: string) => string;

const identity: AttributeMapper = (a) => a;
const sameText: TextMapper = (t) => t;

export function toHrTime(nanos: string): HrTime {
  const n = BigInt(nanos || "0");
  return [Number(n / 1_000_000_000n), Number(n % 1_000_000_000n)];
}

function hrDuration(start: HrTime, end: HrTime): HrTime {
  let s = end[0] - start[0];
  let ns = end[1] - start[1];
  if (ns < 0) {
    s -= 1;
    ns += 1_000_000_000;
  }
  return s < 0 ? [0, 0] : [s, ns];
}

// SpanFlags: bits 0–7 are the W3C trace flags; 0x100 says whether 0x200 (parent is remote) is known.
const IS_REMOTE_KNOWN = 0x100;
const IS_REMOTE = 0x200;

function context(traceId: string, spanId: string, flags: number, traceState: string, remote?: boolean): SpanContext {
  return {
    traceId,
    spanId,
    traceFlags: flags & 0xff,
    ...(remote !== undefined ? { isRemote: remote } : {}),
    ...(traceState ? { traceState: new TraceState(traceState) } : {}),
  };
}

type SdkScope = { name: string; version?: string; schemaUrl?: string; attributes?: SdkAttributes };

function toResource(r: OtlpResource, schemaUrl: string, map: AttributeMapper): Resource {
  return resourceFromAttributes(map(r.attributes, "resource") as SdkAttributes, schemaUrl ? { schemaUrl } : undefined);
}

function toScope(s: OtlpScope, schemaUrl: string, map: AttributeMapper): SdkScope {
  return {
    name: s.name,
    ...(s.version ? { version: s.version } : {}),
    ...(schemaUrl ? { schemaUrl } : {}),
    ...(Object.keys(s.attributes).length > 0 ? { attributes: map(s.attributes, "scope") as SdkAttributes } : {}),
  };
}

function toReadableSpan(s: OtlpSpan, resource: Resource, scope: SdkScope, map: AttributeMapper): ReadableSpan {
  const startTime = toHrTime(s.startTimeUnixNano);
  const endTime = toHrTime(s.endTimeUnixNano);
  const own = context(s.traceId, s.spanId, s.flags, s.traceState);
  const remoteKnown = (s.flags & IS_REMOTE_KNOWN) !== 0;
  return {
    name: s.name,
    // The SDK's SpanKind has no "unspecified": OTLP kind n is SDK kind n − 1.
    kind: Math.max(0, s.kind - 1),
    spanContext: () => own,
    ...(s.parentSpanId
      ? {
          parentSpanContext: context(
            s.traceId,
            s.parentSpanId,
            s.flags,
            "",
            remoteKnown ? (s.flags & IS_REMOTE) !== 0 : undefined,
          ),
        }
      : {}),
    startTime,
    endTime,
    status: { code: s.status.code, ...(s.status.message ? { message: s.status.message } : {}) },
    attributes: map(s.attributes, "span") as SdkAttributes,
    links: s.links.map((l) => ({
      context: context(l.traceId, l.spanId, l.flags, l.traceState),
      attributes: map(l.attributes, "link") as SdkAttributes,
      droppedAttributesCount: l.droppedAttributesCount,
    })),
    events: s.events.map((e) => ({
      time: toHrTime(e.timeUnixNano),
      name: e.name,
      attributes: map(e.attributes, "event") as SdkAttributes,
      droppedAttributesCount: e.droppedAttributesCount,
    })),
    duration: hrDuration(startTime, endTime),
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: s.droppedAttributesCount,
    droppedEventsCount: s.droppedEventsCount,
    droppedLinksCount: s.droppedLinksCount,
  };
}

/**
 * The same spans with every attribute set and every name and status message rewritten (redaction,
 * privacy switches), still plain data: it can cross to the export worker, which makes the SDK
 * records there.
 */
export function mapResourceSpans(
  resourceSpans: ResourceSpans[],
  map: AttributeMapper,
  text: TextMapper = sameText,
): ResourceSpans[] {
  return resourceSpans.map((rs) => ({
    ...rs,
    resource: { ...rs.resource, attributes: map(rs.resource.attributes, "resource") },
    scopeSpans: rs.scopeSpans.map((ss) => ({
      ...ss,
      scope: { ...ss.scope, attributes: map(ss.scope.attributes, "scope") },
      spans: ss.spans.map((s) => ({
        ...s,
        name: text(s.name),
        status: s.status.message ? { ...s.status, message: text(s.status.message) } : s.status,
        attributes: map(s.attributes, "span"),
        events: s.events.map((e) => ({ ...e, name: text(e.name), attributes: map(e.attributes, "event") })),
        links: s.links.map((l) => ({ ...l, attributes: map(l.attributes, "link") })),
      })),
    })),
  }));
}

/** Spans grouped as received (one SDK Resource and scope object per group, as the serializers expect). */
export function toReadableSpans(
  resourceSpans: ResourceSpans[],
  keep: (span: OtlpSpan) => boolean = () => true,
  map: AttributeMapper = identity,
): ReadableSpan[] {
  const out: ReadableSpan[] = [];
  for (const rs of resourceSpans) {
    const resource = toResource(rs.resource, rs.schemaUrl, map);
    for (const ss of rs.scopeSpans) {
      const scope = toScope(ss.scope, ss.schemaUrl, map);
      for (const span of ss.spans) if (keep(span)) out.push(toReadableSpan(span, resource, scope, map));
    }
  }
  return out;
}

/** The shape of `ReadableLogRecord` (@opentelemetry/sdk-logs), which the logs serializers take. */
export type LogRecordForExport = {
  hrTime: HrTime;
  hrTimeObserved: HrTime;
  spanContext?: SpanContext;
  severityText?: string;
  severityNumber?: number;
  body?: unknown;
  eventName?: string;
  resource: Resource;
  instrumentationScope: SdkScope & { droppedAttributesCount?: number };
  attributes: Attributes;
  droppedAttributesCount: number;
};

export function toLogRecords(
  resourceLogs: ResourceLogs[],
  map: AttributeMapper = identity,
  text: TextMapper = sameText,
): LogRecordForExport[] {
  const out: LogRecordForExport[] = [];
  for (const rl of resourceLogs) {
    const resource = toResource(rl.resource, rl.schemaUrl, map);
    for (const sl of rl.scopeLogs) {
      const scope = toScope(sl.scope, sl.schemaUrl, map);
      for (const r of sl.logRecords) {
        out.push({
          hrTime: toHrTime(r.timeUnixNano),
          hrTimeObserved: toHrTime(r.observedTimeUnixNano),
          ...(r.traceId && r.spanId ? { spanContext: context(r.traceId, r.spanId, r.flags, "") } : {}),
          ...(r.severityText ? { severityText: text(r.severityText) } : {}),
          ...(r.severityNumber ? { severityNumber: r.severityNumber } : {}),
          ...(r.body !== undefined ? { body: r.body } : {}),
          ...(r.eventName ? { eventName: text(r.eventName) } : {}),
          resource,
          instrumentationScope: scope,
          attributes: map(r.attributes, "log"),
          droppedAttributesCount: r.droppedAttributesCount,
        });
      }
    }
  }
  return out;
}
