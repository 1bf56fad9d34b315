import { ProtobufReader } from "@opentelemetry/otlp-transformer/build/src/common/protobuf/protobuf-reader.js";

/**
 * Decodes an OTLP ExportTraceServiceRequest (protobuf) into the OTLP/JSON shape, so one set of
 * assertions checks both encodings. Wire reading is otlp-transformer's own ProtobufReader; the
 * message layout below is data copied from opentelemetry-proto (trace.proto, common.proto,
 * resource.proto, trace_service.proto), field number → name and type.
 */
type FieldType = "string" | "bytes" | "varint" | "bool" | "fixed64" | "fixed32" | "double" | { message: string };
type Field = { name: string; type: FieldType; repeated?: boolean };

const MESSAGES: Record<string, Record<number, Field>> = {
  ExportTraceServiceRequest: { 1: { name: "resourceSpans", type: { message: "ResourceSpans" }, repeated: true } },
  ResourceSpans: {
    1: { name: "resource", type: { message: "Resource" } },
    2: { name: "scopeSpans", type: { message: "ScopeSpans" }, repeated: true },
    3: { name: "schemaUrl", type: "string" },
  },
  Resource: {
    1: { name: "attributes", type: { message: "KeyValue" }, repeated: true },
    2: { name: "droppedAttributesCount", type: "varint" },
  },
  ScopeSpans: {
    1: { name: "scope", type: { message: "InstrumentationScope" } },
    2: { name: "spans", type: { message: "Span" }, repeated: true },
    3: { name: "schemaUrl", type: "string" },
  },
  InstrumentationScope: {
    1: { name: "name", type: "string" },
    2: { name: "version", type: "string" },
    3: { name: "attributes", type: { message: "KeyValue" }, repeated: true },
    4: { name: "droppedAttributesCount", type: "varint" },
  },
  Span: {
    1: { name: "traceId", type: "bytes" },
    2: { name: "spanId", type: "bytes" },
    3: { name: "traceState", type: "string" },
    4: { name: "parentSpanId", type: "bytes" },
    5: { name: "name", type: "string" },
    6: { name: "kind", type: "varint" },
    7: { name: "startTimeUnixNano", type: "fixed64" },
    8: { name: "endTimeUnixNano", type: "fixed64" },
    9: { name: "attributes", type: { message: "KeyValue" }, repeated: true },
    10: { name: "droppedAttributesCount", type: "varint" },
    11: { name: "events", type: { message: "Event" }, repeated: true },
    12: { name: "droppedEventsCount", type: "varint" },
    13: { name: "links", type: { message: "Link" }, repeated: true },
    14: { name: "droppedLinksCount", type: "varint" },
    15: { name: "status", type: { message: "Status" } },
    16: { name: "flags", type: "fixed32" },
  },
  Event: {
    1: { name: "timeUnixNano", type: "fixed64" },
    2: { name: "name", type: "string" },
    3: { name: "attributes", type: { message: "KeyValue" }, repeated: true },
    4: { name: "droppedAttributesCount", type: "varint" },
  },
  Link: {
    1: { name: "traceId", type: "bytes" },
    2: { name: "spanId", type: "bytes" },
    3: { name: "traceState", type: "string" },
    4: { name: "attributes", type: { message: "KeyValue" }, repeated: true },
    5: { name: "droppedAttributesCount", type: "varint" },
    6: { name: "flags", type: "fixed32" },
  },
  Status: { 2: { name: "message", type: "string" }, 3: { name: "code", type: "varint" } },
  KeyValue: { 1: { name: "key", type: "string" }, 2: { name: "value", type: { message: "AnyValue" } } },
  AnyValue: {
    1: { name: "stringValue", type: "string" },
    2: { name: "boolValue", type: "bool" },
    3: { name: "intValue", type: "varint" },
    4: { name: "doubleValue", type: "double" },
    5: { name: "arrayValue", type: { message: "ArrayValue" } },
    6: { name: "kvlistValue", type: { message: "KeyValueList" } },
    7: { name: "bytesValue", type: "bytes" },
  },
  ArrayValue: { 1: { name: "values", type: { message: "AnyValue" }, repeated: true } },
  KeyValueList: { 1: { name: "values", type: { message: "KeyValue" }, repeated: true } },
};

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

function decodeMessage(type: string, bytes: Uint8Array): Record<string, unknown> {
  const fields = MESSAGES[type]!;
  const reader = new ProtobufReader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Record<string, unknown> = {};
  while (!reader.isAtEnd()) {
    const { fieldNumber, wireType } = reader.readTag();
    const field = fields[fieldNumber];
    if (!field) {
      reader.skip(wireType);
      continue;
    }
    let value: unknown;
    const t = field.type;
    if (typeof t === "object") value = decodeMessage(t.message, reader.readBytes());
    else if (t === "string") value = reader.readString();
    else if (t === "bytes") value = hex(reader.readBytes());
    else if (t === "varint") value = reader.readVarint();
    else if (t === "bool") value = reader.readVarint() !== 0;
    else if (t === "fixed64") {
      value = view.getBigUint64(reader.pos, true).toString();
      reader.skip(1);
    } else if (t === "double") {
      value = view.getFloat64(reader.pos, true);
      reader.skip(1);
    } else {
      value = view.getUint32(reader.pos, true);
      reader.skip(5);
    }
    if (!field.repeated) out[field.name] = value;
    else if (Array.isArray(out[field.name])) (out[field.name] as unknown[]).push(value);
    else out[field.name] = [value];
  }
  return out;
}

export function decodeTraceRequest(body: Uint8Array): Record<string, unknown> {
  return decodeMessage("ExportTraceServiceRequest", body);
}
