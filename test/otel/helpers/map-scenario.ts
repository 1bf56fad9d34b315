import { createSpanAssembler } from "../../../otel/span-assembler.ts";
import type { FinishedSpan, SpanCommand } from "../../../otel/span-command.ts";
import { createSpanMapper, type MapperOptions } from "../../../otel/span-mapper.ts";
import { configSchema } from "../../../src/config/config-schema.ts";
import type { NormalizedEvent } from "../../../src/schema/mod.ts";

export const DEFAULT_OTEL = configSchema.parse({}).otel;

export function mapperOptions(overrides: Partial<MapperOptions> = {}): MapperOptions {
  return {
    capture: DEFAULT_OTEL.capture,
    maxAttributeChars: DEFAULT_OTEL.maxAttributeChars,
    maxOpenSpans: DEFAULT_OTEL.maxOpenSpans,
    toolTimeoutMs: DEFAULT_OTEL.toolTimeoutMs,
    turnTimeoutMs: DEFAULT_OTEL.turnTimeoutMs,
    ...overrides,
  };
}

/** Events → commands → finished spans through the pure path (no SDK), ending what is left open at shutdown. */
export function mapEvents(
  events: NormalizedEvent[],
  overrides: Partial<MapperOptions> = {},
  wall = 0,
): { spans: FinishedSpan[]; commands: SpanCommand[] } {
  const spans: FinishedSpan[] = [];
  const commands: SpanCommand[] = [];
  const assembler = createSpanAssembler((s) => spans.push(s));
  const mapper = createSpanMapper(mapperOptions(overrides));
  const apply = (cmds: SpanCommand[]) => {
    commands.push(...cmds);
    assembler.applyAll(cmds);
  };
  for (const e of events) apply(mapper.map(e, wall));
  apply(mapper.endAll("shutdown"));
  return { spans, commands };
}
