import type { StreamMessage } from "../schema/mod.ts";

/** One SSE frame. JSON.stringify never emits raw newlines, so `data:` stays one line. */
export function toFrame(message: StreamMessage): string {
  const id = message.kind === "event" ? `id: ${message.data.seq}\n` : "";
  return `${id}event: ${message.kind}\ndata: ${JSON.stringify(message.data)}\n\n`;
}

export const HEARTBEAT_FRAME = ": ping\n\n";

export function retryFrame(ms: number): string {
  return `retry: ${ms}\n\n`;
}
