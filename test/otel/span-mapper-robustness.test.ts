import { describe, expect, it } from "vitest";
import { createSpanAssembler } from "../../otel/span-assembler.ts";
import type { FinishedSpan } from "../../otel/span-command.ts";
import { createSpanMapper } from "../../otel/span-mapper.ts";
import type { NormalizedEvent } from "../../src/schema/mod.ts";
import { scenarios } from "../helpers/fixtures.ts";
import { mapperOptions } from "./helpers/map-scenario.ts";
import { replayEvents } from "./helpers/replay.ts";

/** Small seeded PRNG (mulberry32): the same seed gives the same shuffles on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: T[], rnd: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function run(events: NormalizedEvent[]) {
  const spans: FinishedSpan[] = [];
  const assembler = createSpanAssembler((s) => spans.push(s));
  const mapper = createSpanMapper(mapperOptions({ maxOpenSpans: 16 }));
  for (const e of events) assembler.applyAll(mapper.map(e, 0));
  assembler.applyAll(mapper.endAll("shutdown"));
  return { spans, open: mapper.openCount(), pending: assembler.pendingCount() };
}

describe("span mapper on hooks out of order, missing or repeated", () => {
  const all = scenarios().flatMap((s) => replayEvents(s));
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("never throws and ends every span it starts exactly once (seed %i)", (seed) => {
    const rnd = random(seed);
    // Drop about a fifth of the hooks, repeat some under new ids, and deliver the rest in random order.
    const picked = all.filter(() => rnd() > 0.2);
    const repeated = picked.filter(() => rnd() < 0.1).map((e) => ({ ...e, id: `${e.id}-again` }));
    const { spans, open, pending } = run(shuffled([...picked, ...repeated], rnd));
    expect(open).toBe(0);
    expect(pending).toBe(0);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length);
    for (const s of spans) {
      expect(s.endMs).toBeGreaterThanOrEqual(s.startMs);
      expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
    }
  });
});
