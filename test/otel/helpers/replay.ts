import { configSchema } from "../../../src/config/config-schema.ts";
import { type IngestContext, toDraft } from "../../../src/ingest/mod.ts";
import type { NormalizedEvent } from "../../../src/schema/mod.ts";
import { loadHooks } from "../../helpers/fixtures.ts";

export const NO_CONTEXT: IngestContext = {
  agentId: null,
  containerId: null,
  hostName: null,
  workflowId: null,
  nodeId: null,
  idempotencyKey: null,
};

/**
 * A captured scenario as the store would hold it: every hook through the real ingest path
 * (validation, redaction, trimming, normalization) with its real arrival time, numbered 1, 2, 3, ….
 */
export function replayEvents(
  scenario: string,
  context: Partial<IngestContext> = {},
  edit: (payload: Record<string, unknown>) => Record<string, unknown> = (p) => p,
): NormalizedEvent[] {
  const limits = configSchema.parse({}).limits;
  return loadHooks(scenario).map((hook, i) => {
    const result = toDraft(
      "hook",
      edit(hook.payload),
      { id: `${scenario}-${i}`, receivedAt: hook.receivedAt, sourceTime: null, context: { ...NO_CONTEXT, ...context } },
      limits,
    );
    if (!result.ok) throw new Error(`${scenario}[${i}]: ${result.error.message}`);
    return { ...result.draft, seq: i + 1 };
  });
}
