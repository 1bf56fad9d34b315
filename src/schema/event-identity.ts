// No zod here: the export worker imports this, and its bundle stays free of the schemas.
import type { NormalizedEvent } from "./normalized-event.ts";

/**
 * What makes an event the same event again: a TelemetryEvent's `id` is unique only within the
 * agent that sent it (two agents may both number their events 1, 2, 3), so it is scoped by
 * `agentId`; every other source's id is already its idempotency key or a fresh one.
 */
export function eventIdentity(e: Pick<NormalizedEvent, "source" | "agentId" | "id">): string {
  return e.source === "telemetry" ? `telemetry:${e.agentId ?? ""}\u0000${e.id}` : e.id;
}
