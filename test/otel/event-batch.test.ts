import { describe, expect, it } from "vitest";
import { EventBatch, readBatch, type SealedBatch, toBatchJson } from "../../otel/event-batch.ts";
import type { NormalizedEvent } from "../../src/schema/mod.ts";
import { scenarios } from "../helpers/fixtures.ts";
import { mapEvents } from "./helpers/map-scenario.ts";
import { replayEvents } from "./helpers/replay.ts";

/** Adds every value and collects the batches that come out, the last one sealed. */
function pack(values: unknown[]): SealedBatch[] {
  const batch = new EventBatch();
  const out: SealedBatch[] = [];
  for (const v of values) {
    const full = batch.add(JSON.stringify(v));
    if (full) out.push(full);
  }
  const last = batch.seal();
  if (last) out.push(last);
  return out;
}

describe("event batches for the export worker", () => {
  it("carries events through bytes unchanged, in order, including non-ASCII text", () => {
    const events = [
      { seq: 1, text: "plain" },
      { seq: 2, text: "Grüße, 日本語, emoji 🚀, a lone surrogate \ud800 and \u2028" },
      { seq: 3, nested: { list: [1, 2.5, null, true], quote: 'say "hi"\n' } },
    ];
    const batches = pack(events);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.count).toBe(3);
    expect(readBatch(batches[0]!)).toEqual(JSON.parse(JSON.stringify(events)));
  });

  it("reads ASCII and non-ASCII events interleaved in any order, keys included", () => {
    const texts = ["Grüße", "日本語", "🚀 launch", "em dash — here", "\u2028 line sep", "ÿ\u0080\u009f"];
    const events = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0 || i === 59
        ? { seq: i, text: texts[i % texts.length], [`ключ${i}`]: { deep: [texts[(i + 1) % texts.length]] } }
        : { seq: i, text: `plain ${i}`, bytes: [0, 127] },
    );
    const batches = pack([{ first: "ünïcode first" }, ...events]);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.nonAscii.length / 3).toBe(1 + 20 + 1);
    expect(readBatch(batches[0]!)).toEqual([{ first: "ünïcode first" }, ...events]);
    const ascii = pack([{ a: "only ASCII" }, { b: 'quotes " and \\ backslashes' }]);
    expect(ascii[0]!.nonAscii).toEqual([]);
    expect(readBatch(ascii[0]!)).toEqual([{ a: "only ASCII" }, { b: 'quotes " and \\ backslashes' }]);
  });

  it("starts a new batch when the buffer is full, and takes an event larger than any buffer", () => {
    const big = { seq: 0, text: "é".repeat(3 * 1024 * 1024) }; // ~6 MB of UTF-8, above the largest buffer
    const events = [...Array.from({ length: 2000 }, (_, i) => ({ seq: i + 1, text: "x".repeat(500) })), big];
    const batches = pack(events);
    expect(batches.length).toBeGreaterThan(2);
    expect(batches.reduce((n, b) => n + b.count, 0)).toBe(events.length);
    expect(batches.flatMap((b) => readBatch(b))).toEqual(events);
  });

  it("has nothing to seal when empty, and is reusable after sealing", () => {
    const batch = new EventBatch();
    expect(batch.seal()).toBeNull();
    batch.add('{"a":1}');
    expect(readBatch(batch.seal()!)).toEqual([{ a: 1 }]);
    expect(batch.seal()).toBeNull();
    batch.add('{"b":2}');
    expect(batch.count).toBe(1);
    expect(readBatch(batch.seal()!)).toEqual([{ b: 2 }]);
  });

  it.each(scenarios())("hands over less of each event of %s, and the spans come out the same", (scenario) => {
    const context = { agentId: "agent-7", containerId: "c0ffee", hostName: "box" };
    for (const capture of [false, true]) {
      const opts = { capture: { prompts: capture, toolInput: capture, toolOutput: capture } };
      const events = replayEvents(scenario, context);
      const handed = events.map((e) => JSON.parse(toBatchJson(e)) as NormalizedEvent);
      expect(mapEvents(handed, opts)).toEqual(mapEvents(events, opts));
      // Every hook carries at least its session id twice; the copy inside the payload stays behind.
      for (const e of events)
        expect(toBatchJson(e).length).toBeLessThan(JSON.stringify(e).length - e.sessionId!.length);
    }
  });

  it("leaves out only what the mapper never reads", () => {
    const [event] = replayEvents("bash-echo").filter((e) => e.type === "PreToolUse");
    const handed = JSON.parse(toBatchJson(event!)) as Record<string, unknown>;
    const payload = handed.payload as Record<string, unknown>;
    expect(Object.keys(payload).sort()).toEqual([
      "effort",
      "permission_mode",
      "tool_input",
      "tool_name",
      "tool_use_id",
    ]);
    for (const key of ["summary", "bytes", "usage", "status", "workflowId", "nodeId"])
      expect(handed).not.toHaveProperty(key);
    expect(handed).toMatchObject({
      sessionId: event!.sessionId,
      cwd: event!.cwd,
      promptId: event!.promptId,
      seq: event!.seq,
    });
    // A payload that is not an object goes over as it is.
    expect(JSON.parse(toBatchJson({ ...event!, payload: ["a"] })).payload).toEqual(["a"]);
  });
});
