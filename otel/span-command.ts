/**
 * Span building as plain data. The mapper (span-mapper.ts) turns normalized events into these
 * commands; the assembler folds them into finished spans; only sdk-tracer.ts hands those to the
 * OpenTelemetry SDK. Times are epoch milliseconds taken from the events, never from a clock.
 */

export type AttributeValue = string | number | boolean | string[];
export type Attributes = Record<string, AttributeValue>;

/** Who sent the events a span came from; becomes the span's OTel resource. */
export type SpanResource = {
  /** service.instance.id: container id, else agent id, else host name. */
  instanceId: string | null;
  hostName: string | null;
  containerId: string | null;
  agentId: string | null;
};

export type SpanStatusCode = "unset" | "ok" | "error";

export type SpanCommand =
  | {
      op: "start";
      /** Stable key of the span inside the mapper (`<session>|tool|<tool_use_id>`). */
      key: string;
      /** 32 lowercase hex characters. */
      traceId: string;
      /** 16 lowercase hex characters. */
      spanId: string;
      parentSpanId: string | null;
      name: string;
      startMs: number;
      attributes: Attributes;
      resource: SpanResource;
    }
  | { op: "event"; key: string; name: string; atMs: number; attributes: Attributes }
  | { op: "set"; key: string; attributes: Attributes }
  | { op: "status"; key: string; code: SpanStatusCode; message: string | null }
  /** `startMs` corrects the start (a hook's `duration_ms` says the call began earlier). */
  | { op: "end"; key: string; endMs: number; startMs: number | null };

export type SpanEventRecord = { name: string; atMs: number; attributes: Attributes };

/** A span with everything known: what the assembler emits and the SDK module records. */
export type FinishedSpan = {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Attributes;
  events: SpanEventRecord[];
  status: { code: SpanStatusCode; message: string | null };
  resource: SpanResource;
};

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
