// No zod here: the export worker imports this, and its bundle stays free of the schemas.
import type { NormalizedEvent } from "./normalized-event.ts";

/**
 * What makes an event the same event again: a TelemetryEvent's `id` is unique only within the
 * agent that sent it (two agents may both number their events 1, 2, 3, and so may one agent id
 * run in several containers), so it is scoped by `agentId` and `containerId`; every other
 * source's id is already its idempotency key or a fresh one.
 */
export function eventIdentity(e: Pick<NormalizedEvent, "source" | "agentId" | "containerId" | "id">): string {
  return e.source === "telemetry" ? `telemetry:${e.agentId ?? ""}\u0000${e.containerId ?? ""}\u0000${e.id}` : e.id;
}
