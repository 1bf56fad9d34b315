import type { SessionStatus, SessionSummary } from "../../../src/schema/session.ts";

// Sessions that need attention sort first: working, then waiting for the user, then the rest.
const STATUS_RANK: Record<SessionStatus, number> = {
  active: 0,
  waiting: 1,
  error: 2,
  interrupted: 3,
  idle: 4,
  ended: 5,
};

export function isLive(status: SessionStatus): boolean {
  return status === "active" || status === "waiting";
}

export function compareSessions(a: SessionSummary, b: SessionSummary): number {
  const live = Number(!isLive(a.status)) - Number(!isLive(b.status));
  if (live !== 0) return live;
  if (a.lastEventAt !== b.lastEventAt) return a.lastEventAt < b.lastEventAt ? 1 : -1;
  return STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.sessionId.localeCompare(b.sessionId);
}

/** Applies the coalesced `sessions` message: changed summaries replace their old version by id. */
export function upsertSessions(
  list: readonly SessionSummary[],
  changed: readonly SessionSummary[],
): readonly SessionSummary[] {
  if (changed.length === 0) return list;
  const byId = new Map(list.map((s) => [s.sessionId, s]));
  for (const s of changed) {
    const old = byId.get(s.sessionId);
    // A late, older summary (a REST refetch racing the stream) must not roll a session back.
    if (old && old.eventCount > s.eventCount && old.lastEventAt > s.lastEventAt) continue;
    byId.set(s.sessionId, s);
  }
  return [...byId.values()].sort(compareSessions);
}
