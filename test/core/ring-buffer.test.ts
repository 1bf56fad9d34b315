import { describe, expect, it } from "vitest";
import { RingBuffer } from "../../src/store/mod.ts";

const item = (seq: number, bytes = 10) => ({ seq, bytes });

describe("RingBuffer", () => {
  it("keeps items in order and finds them by sequence id", () => {
    const ring = new RingBuffer(5, 1000);
    for (let s = 1; s <= 3; s++) ring.push(item(s));
    expect(ring.size).toBe(3);
    expect([...ring.oldestFirst()].map((i) => i.seq)).toEqual([1, 2, 3]);
    expect([...ring.newestFirst()].map((i) => i.seq)).toEqual([3, 2, 1]);
    expect(ring.get(2)?.seq).toBe(2);
    expect(ring.get(4)).toBeUndefined();
  });

  it("evicts the oldest items past its count capacity and counts them", () => {
    const ring = new RingBuffer(3, 1000);
    for (let s = 1; s <= 7; s++) ring.push(item(s));
    expect(ring.size).toBe(3);
    expect(ring.evicted).toBe(4);
    expect(ring.oldestSeq).toBe(5);
    expect(ring.newestSeq).toBe(7);
    expect(ring.get(4)).toBeUndefined();
    expect(ring.get(6)?.seq).toBe(6);
    expect([...ring.oldestFirst(5)].map((i) => i.seq)).toEqual([6, 7]);
    expect([...ring.newestFirst(7)].map((i) => i.seq)).toEqual([6, 5]);
  });

  it("evicts the oldest items past its byte budget but always keeps the newest", () => {
    const ring = new RingBuffer(100, 100);
    ring.push(item(1, 40));
    ring.push(item(2, 40));
    const evicted = ring.push(item(3, 40));
    expect(evicted.map((i) => i.seq)).toEqual([1]);
    expect(ring.bytes).toBe(80);
    ring.push(item(4, 500));
    expect(ring.size).toBe(1);
    expect(ring.newestSeq).toBe(4);
  });

  it("wraps around many times without losing the contiguous range", () => {
    const ring = new RingBuffer(7, 1_000_000);
    for (let s = 1; s <= 1000; s++) ring.push(item(s));
    expect([...ring.oldestFirst()].map((i) => i.seq)).toEqual([994, 995, 996, 997, 998, 999, 1000]);
    expect(ring.bytes).toBe(70);
  });
});
