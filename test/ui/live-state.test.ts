import { describe, expect, it } from "vitest";
import type { StreamMessage } from "../../src/schema/wire.ts";
import { applyMessages, initialLiveState, type LiveState } from "../../ui/src/state/live-state.ts";
import { captured, withSeq } from "./helpers/captured.ts";

const cap = await captured(["multi-turn", "permissions"]);
const hello = (bootId: string): StreamMessage => ({
  kind: "hello",
  data: { bootId, version: "0.1.0", oldestSeq: 1, newestSeq: cap.events.length, heartbeatMs: 15000 },
});
const event = (i: number): StreamMessage => ({ kind: "event", data: cap.events[i]! });

function run(state: LiveState, messages: StreamMessage[]) {
  return applyMessages(state, messages);
}

describe("stream reducer", () => {
  it("applies a frame of events in order and asks for fresh summaries on hello", () => {
    const { state, effects } = run(initialLiveState(), [hello("boot-a"), event(0), event(1), event(2)]);
    expect(state.bootId).toBe("boot-a");
    expect(state.log.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(effects).toEqual([{ kind: "refresh" }]);
  });

  it("ignores events replayed twice after a reconnect", () => {
    const first = run(initialLiveState(), [hello("boot-a"), event(0), event(1), event(2)]).state;
    const { state } = run(first, [hello("boot-a"), event(1), event(2), event(3)]);
    expect(state.log.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it("drops everything and reloads when a different server run answers", () => {
    const first = run(initialLiveState(), [hello("boot-a"), event(0), event(1)]).state;
    const { state, effects } = run(first, [hello("boot-b"), event(0)]);
    expect(state.bootId).toBe("boot-b");
    // Only what the new run sent after its hello is kept.
    expect(state.log.events.map((e) => e.seq)).toEqual([1]);
    expect(state.log.epoch).toBeGreaterThan(first.log.epoch);
    expect(state.notice).toEqual({ kind: "restarted" });
    expect(effects).toEqual([{ kind: "reload" }]);
  });

  it("treats reset like a restart even when the boot id looks the same", () => {
    const first = run(initialLiveState(), [hello("boot-a"), event(0), event(1)]).state;
    const { state, effects } = run(first, [
      { kind: "reset", data: { lastEventId: 2, newestSeq: 0, bootId: "boot-c" } },
    ]);
    expect(state.log.events).toEqual([]);
    expect(state.sessions).toEqual([]);
    expect(state.stats).toBeNull();
    expect(effects).toEqual([{ kind: "reload" }]);
  });

  it("notes evicted events on gap and refreshes summaries, keeping what it has", () => {
    const first = run(initialLiveState(), [hello("boot-a"), event(0)]).state;
    const { state, effects } = run(first, [
      { kind: "gap", data: { lastEventId: 1, oldestSeq: 5, missed: 3 } },
      { kind: "event", data: withSeq(cap.events[4]!, 5) },
    ]);
    expect(state.notice).toEqual({ kind: "gap", missed: 3 });
    expect(state.log.events.map((e) => e.seq)).toEqual([1, 5]);
    expect(effects).toEqual([{ kind: "refresh" }]);
  });

  it("merges coalesced session summaries and replaces stats", () => {
    const [a, b] = cap.sessions;
    const s1 = run(initialLiveState(), [
      { kind: "sessions", data: [a!] },
      { kind: "stats", data: cap.stats },
    ]).state;
    expect(s1.sessions).toEqual([a]);
    expect(s1.stats).toBe(cap.stats);
    const newer = { ...a!, eventCount: a!.eventCount + 1, lastEventAt: "2030-01-01T00:00:00.000Z" };
    const s2 = run(s1, [{ kind: "sessions", data: [b!, newer] }]).state;
    expect(s2.sessions.map((s) => s.sessionId)).toEqual([a!.sessionId, b!.sessionId]);
    expect(s2.sessions[0]?.eventCount).toBe(a!.eventCount + 1);
  });

  it("refreshes the summaries when the server holds fewer sessions than the page, or evicted more", () => {
    const held = cap.sessions.length;
    const synced = run(initialLiveState(), [
      { kind: "sessions", data: cap.sessions },
      { kind: "stats", data: cap.stats },
    ]);
    expect(synced.effects).toEqual([]);
    const fewer = run(synced.state, [{ kind: "stats", data: { ...cap.stats, sessions: held - 1 } }]);
    expect(fewer.effects).toEqual([{ kind: "refresh" }]);
    const evicted = { ...cap.stats, sessionsEvicted: cap.stats.sessionsEvicted + 1 };
    expect(run(synced.state, [{ kind: "stats", data: evicted }]).effects).toEqual([{ kind: "refresh" }]);
  });

  it("keeps state unchanged by an overflow except for the notice", () => {
    const first = run(initialLiveState(), [hello("boot-a"), event(0)]).state;
    const { state, effects } = run(first, [{ kind: "overflow", data: { queued: 2000, limit: 2000 } }]);
    expect(state.log).toBe(first.log);
    expect(state.notice).toEqual({ kind: "overflow" });
    expect(effects).toEqual([]);
  });
});
