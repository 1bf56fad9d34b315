import type { SessionSummary } from "../../../../src/schema/session.ts";
import { isLive } from "../../state/session-list.ts";

/** Wall time of a session: until it ended, until now while it works, else until its last event. */
export function sessionDurationMs(s: SessionSummary, nowMs: number): number {
  const end = s.completedAt ? Date.parse(s.completedAt) : isLive(s.status) ? nowMs : Date.parse(s.lastEventAt);
  return Math.max(0, end - Date.parse(s.startedAt));
}
