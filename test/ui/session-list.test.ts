import { describe, expect, it } from "vitest";
import type { SessionSummary } from "../../src/schema/wire.ts";
import { compareSessions, replaceSessions, upsertSessions } from "../../ui/src/state/session-list.ts";
import { captured } from "./helpers/captured.ts";

const [base] = (await captured(["bash-echo"])).sessions;
const s = (id: string, status: SessionSummary["status"], lastEventAt: string, eventCount = 1): SessionSummary => ({
  ...base!,
  sessionId: id,
  status,
  lastEventAt,
  eventCount,
});

describe("session list", () => {
  it("puts working and waiting sessions first, then the most recently active", () => {
    const list = [
      s("ended-new", "ended", "2026-01-01T10:05:00Z"),
      s("active-old", "active", "2026-01-01T09:00:00Z"),
      s("idle", "idle", "2026-01-01T10:00:00Z"),
      s("waiting", "waiting", "2026-01-01T09:30:00Z"),
    ].sort(compareSessions);
    expect(list.map((x) => x.sessionId)).toEqual(["waiting", "active-old", "ended-new", "idle"]);
  });

  it("replaces a session by id and never rolls it back to an older summary", () => {
    const start = upsertSessions([], [s("a", "active", "2026-01-01T10:00:00Z", 5)]);
    const newer = upsertSessions(start, [s("a", "idle", "2026-01-01T10:01:00Z", 6)]);
    expect(newer).toHaveLength(1);
    expect(newer[0]?.status).toBe("idle");
    const stale = upsertSessions(newer, [s("a", "active", "2026-01-01T10:00:00Z", 5)]);
    expect(stale[0]?.eventCount).toBe(6);
  });

  it("drops what a GET /api/sessions answer lacks, but not a session that arrived after the request", () => {
    const held = [s("kept", "idle", "2026-01-01T10:00:00Z"), s("evicted", "idle", "2026-01-01T09:00:00Z")];
    const heldBefore = new Set(held.map((x) => x.sessionId));
    const withLate = upsertSessions(held, [s("late", "active", "2026-01-01T10:02:00Z")]);
    const next = replaceSessions(withLate, [s("kept", "idle", "2026-01-01T10:00:00Z")], heldBefore);
    expect(next.map((x) => x.sessionId)).toEqual(["late", "kept"]);
  });
});
