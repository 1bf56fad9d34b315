import { expect } from "vitest";
import { createSpanAssembler } from "../../../otel/span-assembler.ts";
import type { FinishedSpan, SpanCommand } from "../../../otel/span-command.ts";
import { createSpanMapper } from "../../../otel/span-mapper.ts";
import type { NormalizedEvent } from "../../../src/schema/mod.ts";
import { mapperOptions } from "./map-scenario.ts";

export function named(spans: FinishedSpan[], name: string): FinishedSpan[] {
  return spans.filter((s) => s.name === name);
}

export function one(spans: FinishedSpan[], name: string): FinishedSpan {
  const found = named(spans, name);
  expect(found.length, name).toBe(1);
  return found[0]!;
}

/** A mapper driven by hand: events in, finished spans collected, wall clock chosen per call. */
export function createHarness(overrides: Parameters<typeof mapperOptions>[0] = {}) {
  const spans: FinishedSpan[] = [];
  const assembler = createSpanAssembler((s) => spans.push(s));
  const mapper = createSpanMapper(mapperOptions(overrides));
  const apply = (cmds: SpanCommand[]) => assembler.applyAll(cmds);
  return {
    spans,
    map: (e: NormalizedEvent, wall = 0) => apply(mapper.map(e, wall)),
    sweep: (wall: number) => apply(mapper.sweep(wall)),
    endAll: (reason: string) => apply(mapper.endAll(reason)),
    openCount: () => mapper.openCount(),
  };
}
