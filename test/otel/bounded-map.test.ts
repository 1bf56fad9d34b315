import { describe, expect, it } from "vitest";
import { BoundedMap } from "../../otel/open-spans.ts";

describe("BoundedMap", () => {
  it("forgets the oldest keys first once past its limit", () => {
    const m = new BoundedMap<string, number>(3);
    for (const [i, k] of ["a", "b", "c", "d", "e"].entries()) m.set(k, i);
    expect(m.size).toBe(3);
    expect(["a", "b", "c", "d", "e"].map((k) => m.has(k))).toEqual([false, false, true, true, true]);
    expect(m.get("e")).toBe(4);
  });

  it("updates a present key in place without using a slot", () => {
    const m = new BoundedMap<string, number>(2);
    m.set("a", 1);
    m.set("a", 2);
    m.set("b", 3);
    expect(m.get("a")).toBe(2);
    expect(m.size).toBe(2);
  });
});
