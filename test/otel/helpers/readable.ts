import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { FinishedSpan, SpanStatusCode } from "../../../otel/span-command.ts";

function hrToMs([seconds, nanos]: [number, number]): number {
  return seconds * 1000 + nanos / 1e6;
}

const STATUS: Record<number, SpanStatusCode> = { 0: "unset", 1: "ok", 2: "error" };

/** An exported SDK span in the mapper's terms, to compare with the golden trees. */
export function fromReadable(s: ReadableSpan): FinishedSpan {
  const ctx = s.spanContext();
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? null,
    name: s.name,
    startMs: hrToMs(s.startTime),
    endMs: hrToMs(s.endTime),
    attributes: s.attributes as FinishedSpan["attributes"],
    events: s.events.map((e) => ({
      name: e.name,
      atMs: hrToMs(e.time),
      attributes: (e.attributes ?? {}) as FinishedSpan["attributes"],
    })),
    status: { code: STATUS[s.status.code]!, message: s.status.code === 0 ? null : (s.status.message ?? null) },
    resource: { instanceId: null, hostName: null, containerId: null, agentId: null },
  };
}
