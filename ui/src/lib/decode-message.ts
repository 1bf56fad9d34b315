import type { StreamMessage, StreamMessageKind } from "../../../src/schema/wire.ts";

/** Every SSE `event:` name the server sends; the stream subscribes to exactly these. */
export const STREAM_KINDS: readonly StreamMessageKind[] = [
  "hello",
  "event",
  "sessions",
  "stats",
  "gap",
  "reset",
  "overflow",
];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Turns one SSE message into a typed StreamMessage, or null when it is not one we understand.
 * The server validates what it sends; this only guards the shape the reducers rely on, so a
 * newer server with extra kinds or fields never crashes an older page.
 */
export function decodeStreamMessage(kind: string, data: string): StreamMessage | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return null;
  }
  switch (kind) {
    case "hello":
      return isObject(parsed) && typeof parsed.bootId === "string" ? ({ kind, data: parsed } as StreamMessage) : null;
    case "event":
      return isObject(parsed) && typeof parsed.seq === "number" && typeof parsed.type === "string"
        ? ({ kind, data: parsed } as StreamMessage)
        : null;
    case "sessions":
      return Array.isArray(parsed) ? ({ kind, data: parsed } as StreamMessage) : null;
    case "stats":
      return isObject(parsed) && typeof parsed.totalEvents === "number"
        ? ({ kind, data: parsed } as StreamMessage)
        : null;
    case "gap":
    case "reset":
    case "overflow":
      return isObject(parsed) ? ({ kind, data: parsed } as StreamMessage) : null;
    default:
      return null;
  }
}
