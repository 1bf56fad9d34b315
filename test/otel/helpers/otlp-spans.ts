import type { Attributes, AttributeValue, FinishedSpan, SpanStatusCode } from "../../../otel/span-command.ts";
import { decodeTraceRequest } from "./otlp-protobuf.ts";
import type { ReceivedRequest } from "./otlp-receiver.ts";

type KeyValue = { key: string; value: Record<string, unknown> };
type OtlpSpanJson = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: KeyValue[];
  events?: Array<{ name: string; timeUnixNano: string; attributes?: KeyValue[] }>;
  status?: { code?: number; message?: string };
};
type OtlpRequestJson = {
  resourceSpans?: Array<{ resource?: { attributes?: KeyValue[] }; scopeSpans?: Array<{ spans?: OtlpSpanJson[] }> }>;
};

function anyValue(v: Record<string, unknown>): AttributeValue {
  if ("stringValue" in v) return v.stringValue as string;
  if ("boolValue" in v) return v.boolValue as boolean;
  if ("intValue" in v) return Number(v.intValue);
  if ("doubleValue" in v) return Number(v.doubleValue);
  if ("arrayValue" in v) {
    const values = ((v.arrayValue as { values?: Array<Record<string, unknown>> }).values ?? []).map(anyValue);
    return values as string[];
  }
  throw new Error(`unexpected attribute value ${JSON.stringify(v)}`);
}

function attributes(list: unknown): Attributes {
  return Object.fromEntries(((list as KeyValue[] | undefined) ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
}

const nsToMs = (ns: unknown) => Number(BigInt(String(ns)) / 1_000_000n);
const STATUS: Record<number, SpanStatusCode> = { 0: "unset", 1: "ok", 2: "error" };

export type ReceivedSpan = FinishedSpan & { resourceAttributes: Attributes; kind: number; rawTraceId: string };

/** The request body as OTLP/JSON: parsed, or decoded from protobuf. */
export function toOtlpJson(req: ReceivedRequest): Record<string, unknown> {
  return req.contentType.includes("json")
    ? JSON.parse(req.body.toString("utf8"))
    : decodeTraceRequest(new Uint8Array(req.body));
}

/** Every span in the received OTLP requests, in the mapper's terms (for golden comparison). */
export function receivedSpans(requests: ReceivedRequest[]): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const req of requests) {
    const body = toOtlpJson(req) as OtlpRequestJson;
    for (const rs of body.resourceSpans ?? []) {
      const resourceAttributes = attributes(rs.resource?.attributes);
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          const code = STATUS[Number(s.status?.code ?? 0)]!;
          out.push({
            rawTraceId: s.traceId,
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ? s.parentSpanId : null,
            name: s.name,
            kind: Number(s.kind),
            startMs: nsToMs(s.startTimeUnixNano),
            endMs: nsToMs(s.endTimeUnixNano),
            attributes: attributes(s.attributes),
            events: (s.events ?? []).map((e) => ({
              name: e.name,
              atMs: nsToMs(e.timeUnixNano),
              attributes: attributes(e.attributes),
            })),
            status: { code, message: code === "unset" ? null : (s.status?.message ?? "") },
            resource: { instanceId: null, hostName: null, containerId: null, agentId: null },
            resourceAttributes,
          });
        }
      }
    }
  }
  return out;
}
