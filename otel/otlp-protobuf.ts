/**
 * ExportTraceServiceRequest (OTLP/protobuf) from SDK spans in one pass, byte for byte what
 * @opentelemetry/otlp-transformer's ProtobufTraceSerializer writes (a test holds the two to the
 * same bytes). That serializer walks every string three times (a size-estimating pass, then an
 * ASCII check and a copy) and copies every id into a new array; it was a quarter of the export
 * worker's CPU. Here each string is copied once, optimistically as ASCII, and ids are written
 * straight from hex.
 *
 * Spans are read structurally (the fields the OTLP serializer reads), so this module needs no SDK import.
 */
import type { Attributes, HrTime, Link, SpanContext, SpanStatus } from "@opentelemetry/api";
import { time, Writer } from "./protobuf-writer.ts";

/** The SDK's TimedEvent, spelled out so this module needs no SDK import. */
export type TimedEvent = { time: HrTime; name: string; attributes?: Attributes; droppedAttributesCount?: number };

export type EncodableSpan = {
  name: string;
  kind: number;
  spanContext(): SpanContext;
  parentSpanContext?: SpanContext;
  startTime: HrTime;
  endTime: HrTime;
  status: SpanStatus;
  attributes: Attributes;
  links: Link[];
  events: TimedEvent[];
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  resource: { attributes: Attributes; schemaUrl?: string };
  instrumentationScope: {
    name: string;
    version?: string;
    schemaUrl?: string;
    attributes?: Attributes;
    droppedAttributesCount?: number;
  };
};

type Scope = EncodableSpan["instrumentationScope"];
type ResourceLike = EncodableSpan["resource"];

const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

function anyValue(w: Writer, value: unknown): void {
  if (typeof value === "string") {
    w.tag(1, 2);
    w.string(value);
  } else if (typeof value === "boolean") {
    w.tag(2, 0);
    w.varint(value ? 1 : 0);
  } else if (typeof value === "number") {
    if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
      w.tag(3, 0);
      w.varint(value);
    } else {
      w.tag(4, 1);
      w.double(value);
    }
  } else if (value instanceof Uint8Array) {
    w.tag(7, 2);
    w.bytes(value);
  } else if (Array.isArray(value)) {
    w.tag(5, 2);
    const list = w.begin(1);
    for (const item of value) {
      w.tag(1, 2);
      const at = w.begin(1);
      anyValue(w, item);
      w.end(at, 1);
    }
    w.end(list, 1);
  } else if (typeof value === "object" && value !== null) {
    w.tag(6, 2);
    const list = w.begin(1);
    keyValues(w, value as Record<string, unknown>, 1);
    w.end(list, 1);
  }
}

function keyValues(w: Writer, attributes: Record<string, unknown>, field: number): void {
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    w.tag(field, 2);
    const kv = w.begin(1);
    w.tag(1, 2);
    w.string(key);
    w.tag(2, 2);
    const value = w.begin(1);
    anyValue(w, attributes[key]);
    w.end(value, 1);
    w.end(kv, 1);
  }
}

function flags(ctx: SpanContext, remote: boolean | undefined): number {
  return (ctx.traceFlags & 0xff) | HAS_IS_REMOTE | (remote ? IS_REMOTE : 0);
}

function event(w: Writer, e: TimedEvent): void {
  const at = w.begin(1);
  w.tag(1, 1);
  time(w, e.time);
  w.tag(2, 2);
  w.string(e.name);
  if (e.attributes) keyValues(w, e.attributes, 3);
  w.tag(4, 0);
  w.varint(e.droppedAttributesCount || 0);
  w.end(at, 1);
}

/** trace_id, span_id and trace_state: fields 1–3 of both Span and Span.Link. */
function contextFields(w: Writer, ctx: SpanContext): void {
  w.tag(1, 2);
  w.hex(ctx.traceId);
  w.tag(2, 2);
  w.hex(ctx.spanId);
  const state = ctx.traceState?.serialize();
  if (state) {
    w.tag(3, 2);
    w.string(state);
  }
}

function link(w: Writer, l: Link): void {
  const at = w.begin(1);
  const ctx = l.context;
  contextFields(w, ctx);
  if (l.attributes) keyValues(w, l.attributes, 4);
  w.tag(5, 0);
  w.varint(l.droppedAttributesCount || 0);
  w.tag(6, 5);
  w.fixed32(flags(ctx, ctx.isRemote));
  w.end(at, 1);
}

function span(w: Writer, s: EncodableSpan): void {
  const at = w.begin(2); // most spans are 128 bytes to 16 KB
  const ctx = s.spanContext();
  contextFields(w, ctx);
  if (s.parentSpanContext?.spanId) {
    w.tag(4, 2);
    w.hex(s.parentSpanContext.spanId);
  }
  w.tag(5, 2);
  w.string(s.name);
  const kind = s.kind == null ? 0 : s.kind + 1; // OTLP's enum starts at UNSPECIFIED
  if (kind !== 0) {
    w.tag(6, 0);
    w.varint(kind);
  }
  w.tag(7, 1);
  time(w, s.startTime);
  w.tag(8, 1);
  time(w, s.endTime);
  if (s.attributes) keyValues(w, s.attributes, 9);
  w.tag(10, 0);
  w.varint(s.droppedAttributesCount);
  for (const e of s.events) {
    w.tag(11, 2);
    event(w, e);
  }
  w.tag(12, 0);
  w.varint(s.droppedEventsCount);
  for (const l of s.links) {
    w.tag(13, 2);
    link(w, l);
  }
  w.tag(14, 0);
  w.varint(s.droppedLinksCount);
  w.tag(15, 2);
  const status = w.begin(1);
  if (s.status.message) {
    w.tag(2, 2);
    w.string(s.status.message);
  }
  w.tag(3, 0);
  w.varint(s.status.code);
  w.end(status, 1);
  w.tag(16, 5);
  w.fixed32(flags(ctx, s.parentSpanContext?.isRemote));
  w.end(at, 2);
}

function scopeSpans(w: Writer, scope: Scope, spans: EncodableSpan[]): void {
  const at = w.begin(3);
  w.tag(1, 2);
  const sc = w.begin(1);
  w.tag(1, 2);
  w.string(scope.name);
  if (scope.version) {
    w.tag(2, 2);
    w.string(scope.version);
  }
  if (scope.attributes) keyValues(w, scope.attributes, 3);
  if (scope.droppedAttributesCount) {
    w.tag(4, 0);
    w.varint(scope.droppedAttributesCount);
  }
  w.end(sc, 1);
  for (const s of spans) {
    w.tag(2, 2);
    span(w, s);
  }
  if (scope.schemaUrl) {
    w.tag(3, 2);
    w.string(scope.schemaUrl);
  }
  w.end(at, 3);
}

function resourceSpans(w: Writer, resource: ResourceLike, scopes: Map<Scope, EncodableSpan[]>): void {
  const at = w.begin(3);
  w.tag(1, 2);
  const res = w.begin(2);
  if (resource.attributes) keyValues(w, resource.attributes, 1);
  w.tag(2, 0);
  w.varint(0);
  w.end(res, 2);
  for (const spans of scopes.values()) {
    w.tag(2, 2);
    scopeSpans(w, spans[0]!.instrumentationScope, spans);
  }
  if (resource.schemaUrl) {
    w.tag(3, 2);
    w.string(resource.schemaUrl);
  }
  w.end(at, 3);
}

// Bytes per span of recent requests (a moving average): sizes the next buffer so it rarely grows.
// The first allocation is capped, so one batch of huge spans (captured file contents) does not
// make every later request allocate for its size; a larger request grows its buffer as it goes.
let bytesPerSpan = 768;
const MAX_INITIAL_BYTES = 4 * 1024 * 1024;

/** An OTLP/protobuf ExportTraceServiceRequest: spans grouped by resource, then scope (by identity). */
export function encodeTraceRequest(spans: readonly EncodableSpan[]): Uint8Array {
  const grouped = new Map<ResourceLike, Map<Scope, EncodableSpan[]>>();
  for (const s of spans) {
    let scopes = grouped.get(s.resource);
    if (!scopes) {
      scopes = new Map();
      grouped.set(s.resource, scopes);
    }
    const list = scopes.get(s.instrumentationScope);
    if (list) list.push(s);
    else scopes.set(s.instrumentationScope, [s]);
  }
  const w = new Writer(Math.min(MAX_INITIAL_BYTES, Math.max(1024, Math.ceil(spans.length * bytesPerSpan * 1.25))));
  for (const [resource, scopes] of grouped) {
    w.tag(1, 2);
    resourceSpans(w, resource, scopes);
  }
  if (spans.length > 0) bytesPerSpan = Math.max(64, Math.ceil(0.75 * bytesPerSpan + (0.25 * w.pos) / spans.length));
  return w.buf.subarray(0, w.pos);
}
