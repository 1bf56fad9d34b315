import { z } from "zod";
import { MAX_COST_USD, MAX_DURATION_MS, MAX_TOKENS } from "./normalized-event.ts";

/** The envelope's known `type` values; other strings are accepted and kept (as in hook names). */
export const TELEMETRY_EVENT_TYPES = [
  "agent_start",
  "agent_complete",
  "agent_error",
  "tool_call",
  "bash_command",
  "metric",
  "custom",
] as const;

export const LIFECYCLE_STAGES = ["start", "stepStart", "stepComplete", "finalized", "error"] as const;

const id = z.string().min(1).max(256);

/**
 * The generic envelope for agents other than Claude Code (camelCase).
 * Required: id, type, agentId, timestamp, data. Unknown fields are kept.
 */
export const telemetryEventSchema = z.looseObject({
  id,
  type: z.string().min(1).max(128),
  agentId: id,
  timestamp: z.iso.datetime({ offset: true }),
  data: z.unknown(),
  sessionId: id.optional(),
  containerId: id.optional(),
  workflowId: id.optional(),
  nodeId: id.optional(),
  toolName: z.string().max(512).optional(),
  toolInputSummary: z.string().optional(),
  filePaths: z.array(z.string()).optional(),
  toolResultSummary: z.string().optional(),
  toolExitCode: z.number().int().optional(),
  // Not in the original envelope: how long a `tool_call` / `bash_command` ran (it ended at `timestamp`).
  durationMs: z.number().nonnegative().max(MAX_DURATION_MS).optional(),
  command: z.string().optional(),
  commandExitCode: z.number().int().optional(),
  lifecycleStage: z.enum(LIFECYCLE_STAGES).optional(),
  stepIndex: z.number().int().nonnegative().optional(),
  stepName: z.string().optional(),
  errorMessage: z.string().optional(),
  tokenUsage: z
    .object({
      // Per event, not running totals: each event's usage is added to its session's.
      inputTokens: z.number().int().nonnegative().max(MAX_TOKENS),
      outputTokens: z.number().int().nonnegative().max(MAX_TOKENS),
      estimatedCostUsd: z.number().nonnegative().max(MAX_COST_USD),
      model: z.string(),
    })
    .optional(),
});

export type TelemetryEvent = z.infer<typeof telemetryEventSchema>;
