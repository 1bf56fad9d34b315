import type { StreamMessage } from "../schema/mod.ts";

/**
 * One SSE frame. JSON.stringify never emits raw newlines, so `data:` stays one line. An event's
 * id is its sequence id, tagged with the server run (`130@1a2b3c4d`): sequence ids restart at 1
 * when the server does, and a plain EventSource resumes with this id alone.
 */
export function toFrame(message: StreamMessage, runTag?: string): string {
  const id = message.kind === "event" ? `id: ${message.data.seq}${runTag ? `@${runTag}` : ""}\n` : "";
  return `${id}event: ${message.kind}\ndata: ${JSON.stringify(message.data)}\n\n`;
}

export const HEARTBEAT_FRAME = ": ping\n\n";

export function retryFrame(ms: number): string {
  return `retry: ${ms}\n\n`;
}

/** A Last-Event-ID as this server writes it (`130@1a2b3c4d`) or a bare sequence id: null when neither. */
export function parseEventId(raw: string): { seq: number; runTag: string | null } | null {
  const m = /^(\d{1,16})(?:@([0-9a-f]{1,32}))?$/.exec(raw.trim());
  if (!m) return null;
  const seq = Number(m[1]);
  return Number.isSafeInteger(seq) ? { seq, runTag: m[2] ?? null } : null;
}

/** The run tag of a boot id, as event ids carry it. */
export function runTagOf(bootId: string): string {
  return bootId.replace(/-/g, "").slice(0, 8).toLowerCase();
}
