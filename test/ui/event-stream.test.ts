import { describe, expect, it } from "vitest";
import type { StreamMessage } from "../../src/schema/wire.ts";
import { decodeStreamMessage } from "../../ui/src/lib/decode-message.ts";
import { createEventStream, reconnectDelay, type StreamStatus } from "../../ui/src/lib/event-stream.ts";

/** An EventSource stand-in the test drives by hand. */
class FakeSource {
  static all: FakeSource[] = [];
  listeners = new Map<string, (e: MessageEvent) => void>();
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSource.all.push(this);
  }
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    this.listeners.set(type, fn);
  }
  emit(kind: string, data: unknown) {
    this.listeners.get(kind)?.({ data: JSON.stringify(data) } as MessageEvent);
  }
  fail() {
    this.onerror?.(new Event("error"));
  }
  close() {
    this.closed = true;
  }
}

function setup() {
  FakeSource.all = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const messages: StreamMessage[] = [];
  const statuses: StreamStatus[] = [];
  const stream = createEventStream({
    url: (id) => `/api/stream${id === null ? "" : `?lastEventId=${id}`}`,
    onMessage: (m) => messages.push(m),
    onStatus: (s) => statuses.push(s),
    createSource: (u) => new FakeSource(u),
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
  });
  const runTimers = () => {
    for (const t of timers.splice(0)) t.fn();
  };
  const last = () => FakeSource.all[FakeSource.all.length - 1]!;
  return { stream, timers, messages, statuses, runTimers, last };
}

const hello = { bootId: "b1", version: "0.1.0", oldestSeq: 1, newestSeq: 3, heartbeatMs: 15000 };

describe("event stream", () => {
  it("resumes after the last applied event id when the connection drops", () => {
    const { stream, runTimers, last, timers, statuses } = setup();
    stream.start(3);
    runTimers();
    expect(last().url).toBe("/api/stream?lastEventId=3");
    last().emit("hello", hello);
    last().emit("event", { seq: 4, type: "PreToolUse" });
    last().emit("event", { seq: 5, type: "PostToolUse" });
    last().fail();
    expect(statuses).toEqual(["connecting", "live", "reconnecting"]);
    expect(timers[0]?.ms).toBe(reconnectDelay(1));
    runTimers();
    expect(FakeSource.all[0]?.closed).toBe(true);
    expect(last().url).toBe("/api/stream?lastEventId=5");
  });

  it("reports offline after repeated failures and live again on the next hello", () => {
    const { stream, runTimers, last, statuses } = setup();
    stream.start(null);
    runTimers();
    for (let i = 0; i < 3; i++) {
      last().fail();
      runTimers();
    }
    expect(statuses.slice(-1)).toEqual(["offline"]);
    last().emit("hello", hello);
    expect(statuses.slice(-1)).toEqual(["live"]);
  });

  it("reconnects at once after the server reports an overflow", () => {
    const { stream, runTimers, last, timers } = setup();
    stream.start(10);
    runTimers();
    last().emit("event", { seq: 11, type: "Stop" });
    last().emit("overflow", { queued: 2000, limit: 2000 });
    expect(timers[0]?.ms).toBe(0);
    runTimers();
    expect(last().url).toBe("/api/stream?lastEventId=11");
  });

  it("ignores messages from a connection it already replaced, and stops cleanly", () => {
    const { stream, runTimers, messages, last } = setup();
    stream.start(null);
    runTimers();
    const old = last();
    stream.start(7);
    runTimers();
    old.emit("event", { seq: 99, type: "Stop" });
    expect(messages).toEqual([]);
    stream.stop();
    expect(last().closed).toBe(true);
  });

  it("doubles the reconnect delay up to the server's retry pace", () => {
    expect([1, 2, 3, 4, 5, 10].map(reconnectDelay)).toEqual([250, 500, 1000, 2000, 2000, 2000]);
  });
});

describe("stream message decoding", () => {
  it.each([
    ["hello", JSON.stringify(hello), true],
    ["event", JSON.stringify({ seq: 1, type: "Stop" }), true],
    ["event", JSON.stringify({ type: "Stop" }), false],
    ["sessions", "[]", true],
    ["sessions", "{}", false],
    ["stats", JSON.stringify({ totalEvents: 1 }), true],
    ["gap", JSON.stringify({ lastEventId: 1, oldestSeq: 5, missed: 3 }), true],
    ["reset", JSON.stringify({ lastEventId: 1, newestSeq: 0, bootId: "x" }), true],
    ["overflow", "not json", false],
    ["future-kind", "{}", false],
  ])("decodes %s %s → %s", (kind, data, ok) => {
    expect(decodeStreamMessage(kind, data) !== null).toBe(ok);
  });
});
