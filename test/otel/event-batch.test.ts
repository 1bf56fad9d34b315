import { describe, expect, it } from "vitest";
import { EventBatch, readBatch, type SealedBatch } from "../../otel/event-batch.ts";

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
});
