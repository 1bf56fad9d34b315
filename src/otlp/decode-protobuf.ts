import { ApiError } from "../server/api-error.ts";
import type {
  DecodedRequest,
  OtlpLink,
  OtlpLogRecord,
  OtlpSignal,
  OtlpSpan,
  OtlpSpanEvent,
  ResourceLogs,
  ResourceMetrics,
  ResourceSpans,
} from "./otlp-model.ts";
import {
  addAttribute,
  anyValue,
  emptyResource,
  emptyScope,
  id,
  type ProtoLimits,
  resource,
  scope,
} from "./proto-common.ts";
import { resourceMetrics } from "./proto-metrics.ts";
import { ProtoDecodeError, ProtoMessage } from "./proto-reader.ts";

/**
 * OTLP/protobuf → the decoded model. Field numbers follow opentelemetry-proto v1
 * (collector/{trace,logs,metrics}/v1/*_service.proto and the messages they use); every
 * decoder skips fields it does not know, as protobuf requires. Ids of the wrong length are a
 * malformed request (the OpenTelemetry Collector rejects them the same way).
 */

// trace.proto: Span.Event { fixed64 time_unix_nano = 1; name = 2; attributes = 3; dropped_attributes_count = 4 }
function spanEvent(m: ProtoMessage, limits: ProtoLimits): OtlpSpanEvent {
  const e: OtlpSpanEvent = { timeUnixNano: "0", name: "", attributes: {}, droppedAttributesCount: 0 };
  m.each((f, w) => {
    if (f === 1) e.timeUnixNano = m.fixed64(w, "Span.Event.time_unix_nano");
    else if (f === 2) e.name = m.string(w, "Span.Event.name");
    else if (f === 3) addAttribute(e.attributes, m, w, limits, "Span.Event.attributes");
    else if (f === 4) e.droppedAttributesCount = m.uint(w, "Span.Event.dropped_attributes_count");
    else m.skip(w);
  });
  return e;
}

// Span.Link { trace_id = 1; span_id = 2; trace_state = 3; attributes = 4; dropped_attributes_count = 5; fixed32 flags = 6 }
function spanLink(m: ProtoMessage, limits: ProtoLimits): OtlpLink {
  const l: OtlpLink = { traceId: "", spanId: "", traceState: "", attributes: {}, droppedAttributesCount: 0, flags: 0 };
  m.each((f, w) => {
    if (f === 1) l.traceId = id(m, w, 16, "Span.Link.trace_id");
    else if (f === 2) l.spanId = id(m, w, 8, "Span.Link.span_id");
    else if (f === 3) l.traceState = m.string(w, "Span.Link.trace_state");
    else if (f === 4) addAttribute(l.attributes, m, w, limits, "Span.Link.attributes");
    else if (f === 5) l.droppedAttributesCount = m.uint(w, "Span.Link.dropped_attributes_count");
    else if (f === 6) l.flags = m.fixed32(w, "Span.Link.flags");
    else m.skip(w);
  });
  return l;
}

// Span { trace_id=1 span_id=2 trace_state=3 parent_span_id=4 name=5 kind=6 start=7 end=8 attributes=9
//        dropped_attributes_count=10 events=11 dropped_events_count=12 links=13 dropped_links_count=14
//        status=15 flags=16 }; Status { message = 2; code = 3 }
function span(m: ProtoMessage, limits: ProtoLimits): OtlpSpan {
  const s: OtlpSpan = {
    traceId: "",
    spanId: "",
    parentSpanId: null,
    traceState: "",
    flags: 0,
    name: "",
    kind: 0,
    startTimeUnixNano: "0",
    endTimeUnixNano: "0",
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: "" },
  };
  m.each((f, w) => {
    switch (f) {
      case 1:
        s.traceId = id(m, w, 16, "Span.trace_id");
        break;
      case 2:
        s.spanId = id(m, w, 8, "Span.span_id");
        break;
      case 3:
        s.traceState = m.string(w, "Span.trace_state");
        break;
      case 4:
        s.parentSpanId = id(m, w, 8, "Span.parent_span_id") || null;
        break;
      case 5:
        s.name = m.string(w, "Span.name");
        break;
      case 6:
        s.kind = m.uint(w, "Span.kind");
        break;
      case 7:
        s.startTimeUnixNano = m.fixed64(w, "Span.start_time_unix_nano");
        break;
      case 8:
        s.endTimeUnixNano = m.fixed64(w, "Span.end_time_unix_nano");
        break;
      case 9:
        addAttribute(s.attributes, m, w, limits, "Span.attributes");
        break;
      case 10:
        s.droppedAttributesCount = m.uint(w, "Span.dropped_attributes_count");
        break;
      case 11:
        s.events.push(spanEvent(m.message(w, "Span.events"), limits));
        break;
      case 12:
        s.droppedEventsCount = m.uint(w, "Span.dropped_events_count");
        break;
      case 13:
        s.links.push(spanLink(m.message(w, "Span.links"), limits));
        break;
      case 14:
        s.droppedLinksCount = m.uint(w, "Span.dropped_links_count");
        break;
      case 15: {
        const st = m.message(w, "Span.status");
        st.each((sf, sw) => {
          if (sf === 2) s.status.message = st.string(sw, "Status.message");
          else if (sf === 3) s.status.code = st.uint(sw, "Status.code");
          else st.skip(sw);
        });
        break;
      }
      case 16:
        s.flags = m.fixed32(w, "Span.flags");
        break;
      default:
        m.skip(w);
    }
  });
  return s;
}

// ExportTraceServiceRequest { resource_spans = 1 }; ResourceSpans { resource = 1; scope_spans = 2; schema_url = 3 }
// ScopeSpans { scope = 1; spans = 2; schema_url = 3 }
function resourceSpans(m: ProtoMessage, limits: ProtoLimits): ResourceSpans {
  const rs: ResourceSpans = { resource: emptyResource(), schemaUrl: "", scopeSpans: [] };
  m.each((f, w) => {
    if (f === 1) rs.resource = resource(m.message(w, "ResourceSpans.resource"), limits);
    else if (f === 2) {
      const sm = m.message(w, "ResourceSpans.scope_spans");
      const ss = { scope: emptyScope(), schemaUrl: "", spans: [] as OtlpSpan[] };
      sm.each((sf, sw) => {
        if (sf === 1) ss.scope = scope(sm.message(sw, "ScopeSpans.scope"), limits);
        else if (sf === 2) ss.spans.push(span(sm.message(sw, "ScopeSpans.spans"), limits));
        else if (sf === 3) ss.schemaUrl = sm.string(sw, "ScopeSpans.schema_url");
        else sm.skip(sw);
      });
      rs.scopeSpans.push(ss);
    } else if (f === 3) rs.schemaUrl = m.string(w, "ResourceSpans.schema_url");
    else m.skip(w);
  });
  return rs;
}

// logs.proto: LogRecord { time_unix_nano=1 severity_number=2 severity_text=3 body=5 attributes=6
//   dropped_attributes_count=7 flags=8 trace_id=9 span_id=10 observed_time_unix_nano=11 event_name=12 }
function logRecord(m: ProtoMessage, limits: ProtoLimits): OtlpLogRecord {
  const r: OtlpLogRecord = {
    timeUnixNano: "0",
    observedTimeUnixNano: "0",
    severityNumber: 0,
    severityText: "",
    body: undefined,
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    traceId: null,
    spanId: null,
    eventName: "",
  };
  m.each((f, w) => {
    if (f === 1) r.timeUnixNano = m.fixed64(w, "LogRecord.time_unix_nano");
    else if (f === 2) r.severityNumber = m.uint(w, "LogRecord.severity_number");
    else if (f === 3) r.severityText = m.string(w, "LogRecord.severity_text");
    else if (f === 5) r.body = anyValue(m.message(w, "LogRecord.body"), limits);
    else if (f === 6) addAttribute(r.attributes, m, w, limits, "LogRecord.attributes");
    else if (f === 7) r.droppedAttributesCount = m.uint(w, "LogRecord.dropped_attributes_count");
    else if (f === 8) r.flags = m.fixed32(w, "LogRecord.flags");
    else if (f === 9) r.traceId = id(m, w, 16, "LogRecord.trace_id") || null;
    else if (f === 10) r.spanId = id(m, w, 8, "LogRecord.span_id") || null;
    else if (f === 11) r.observedTimeUnixNano = m.fixed64(w, "LogRecord.observed_time_unix_nano");
    else if (f === 12) r.eventName = m.string(w, "LogRecord.event_name");
    else m.skip(w);
  });
  return r;
}

// ResourceLogs { resource = 1; scope_logs = 2; schema_url = 3 }; ScopeLogs { scope = 1; log_records = 2; schema_url = 3 }
function resourceLogs(m: ProtoMessage, limits: ProtoLimits): ResourceLogs {
  const rl: ResourceLogs = { resource: emptyResource(), schemaUrl: "", scopeLogs: [] };
  m.each((f, w) => {
    if (f === 1) rl.resource = resource(m.message(w, "ResourceLogs.resource"), limits);
    else if (f === 2) {
      const sm = m.message(w, "ResourceLogs.scope_logs");
      const sl = { scope: emptyScope(), schemaUrl: "", logRecords: [] as OtlpLogRecord[] };
      sm.each((sf, sw) => {
        if (sf === 1) sl.scope = scope(sm.message(sw, "ScopeLogs.scope"), limits);
        else if (sf === 2) sl.logRecords.push(logRecord(sm.message(sw, "ScopeLogs.log_records"), limits));
        else if (sf === 3) sl.schemaUrl = sm.string(sw, "ScopeLogs.schema_url");
        else sm.skip(sw);
      });
      rl.scopeLogs.push(sl);
    } else if (f === 3) rl.schemaUrl = m.string(w, "ResourceLogs.schema_url");
    else m.skip(w);
  });
  return rl;
}

/** An OTLP/protobuf body → the decoded request; a malformed body is a 400 naming what broke. */
export function decodeOtlpProtobuf(signal: OtlpSignal, bytes: Uint8Array, limits: ProtoLimits): DecodedRequest {
  const root = new ProtoMessage(bytes);
  try {
    switch (signal) {
      case "traces": {
        const list: ResourceSpans[] = [];
        root.each((f, w) =>
          f === 1 ? list.push(resourceSpans(root.message(w, "resource_spans"), limits)) : root.skip(w),
        );
        return { signal, resourceSpans: list };
      }
      case "logs": {
        const list: ResourceLogs[] = [];
        root.each((f, w) =>
          f === 1 ? list.push(resourceLogs(root.message(w, "resource_logs"), limits)) : root.skip(w),
        );
        return { signal, resourceLogs: list };
      }
      case "metrics": {
        const list: ResourceMetrics[] = [];
        root.each((f, w) =>
          f === 1 ? list.push(resourceMetrics(root.message(w, "resource_metrics"), limits)) : root.skip(w),
        );
        return { signal, resourceMetrics: list };
      }
    }
  } catch (err) {
    if (err instanceof ProtoDecodeError) {
      throw new ApiError("invalid_body", `Body is not a valid OTLP/protobuf ${signal} request: ${err.message}.`);
    }
    throw err;
  }
}
