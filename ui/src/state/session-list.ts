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

/**
 * Applies a `GET /api/sessions` answer: it says which sessions the server still holds. A session
 * the page held when the request went out and the answer lacks was evicted; one that came on the
 * stream since is kept (the answer may predate it).
 */
export function replaceSessions(
  list: readonly SessionSummary[],
  fetched: readonly SessionSummary[],
  heldBefore: ReadonlySet<string>,
): readonly SessionSummary[] {
  const ids = new Set(fetched.map((s) => s.sessionId));
  const kept = list.filter((s) => ids.has(s.sessionId) || !heldBefore.has(s.sessionId));
  return upsertSessions(kept.length === list.length ? list : kept, fetched);
}
