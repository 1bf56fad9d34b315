import { z } from "zod";

/**
 * Session state machine (docs/architecture.md has the diagram):
 * active — a turn is running or a subagent works in the background;
 * waiting — the agent waits for the user (permission prompt, input notification);
 * idle — between turns; ended — SessionEnd seen;
 * interrupted — the last turn never got its Stop (Esc fires no hook);
 * error — the last turn ended in StopFailure.
 */
export const SESSION_STATUSES = ["active", "waiting", "idle", "ended", "interrupted", "error"] as const;
export const sessionStatusSchema = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

export const TURN_STATUSES = ["running", "waiting", "completed", "interrupted", "error"] as const;
export const turnStatusSchema = z.enum(TURN_STATUSES);
export type TurnStatus = z.infer<typeof turnStatusSchema>;

export const TOOL_CALL_STATUSES = ["running", "ok", "error", "interrupted", "denied"] as const;
export const toolCallStatusSchema = z.enum(TOOL_CALL_STATUSES);
export type ToolCallStatus = z.infer<typeof toolCallStatusSchema>;

export const tokenTotalsSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheCreationTokens: z.number(),
});
export type TokenTotals = z.infer<typeof tokenTotalsSchema>;

export const turnSchema = z.object({
  /** 1-based position in the session. */
  index: z.number().int().positive(),
  promptId: z.string().nullable(),
  /** First 200 characters of the prompt, redacted. */
  promptPreview: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  status: turnStatusSchema,
  /** Why it ended: `stop`, `stop_failure: server_error`, `new prompt without Stop`, `idle timeout`, … */
  outcome: z.string().nullable(),
  toolCallCount: z.number().int(),
  errorCount: z.number().int(),
  /** Trace of this turn when OTLP export is on (hex, 32 chars); null otherwise. */
  traceId: z.string().nullable(),
  /** Ready link to the trace in Jaeger (`otel.jaegerUrl`), when export is on. */
  traceUrl: z.string().nullable(),
});
export type Turn = z.infer<typeof turnSchema>;

export const toolCallSchema = z.object({
  toolUseId: z.string(),
  toolName: z.string(),
  turnIndex: z.number().int().nullable(),
  promptId: z.string().nullable(),
  /** Subagent that made the call; null on the main thread. */
  subagentId: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** From the hook's `duration_ms` when present, else end − start. */
  durationMs: z.number().nullable(),
  status: toolCallStatusSchema,
  error: z.string().nullable(),
  filePaths: z.array(z.string()),
  command: z.string().nullable(),
  /** One line: command, path or pattern. */
  summary: z.string(),
  /** Sequence ids of the Pre and Post events, for fetching the captured input/output. */
  startSeq: z.number().int().nullable(),
  endSeq: z.number().int().nullable(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const subagentSchema = z.object({
  agentId: z.string(),
  agentType: z.string(),
  /** The `Agent` tool call that launched it, when it could be matched. */
  parentToolUseId: z.string().nullable(),
  turnIndex: z.number().int().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  status: z.enum(["running", "completed", "interrupted"]),
  background: z.boolean(),
  toolCallCount: z.number().int(),
});
export type Subagent = z.infer<typeof subagentSchema>;

export const fileTouchSchema = z.object({
  path: z.string(),
  reads: z.number().int(),
  writes: z.number().int(),
  edits: z.number().int(),
  searches: z.number().int(),
  lastAt: z.string(),
});
export type FileTouch = z.infer<typeof fileTouchSchema>;

/** Permission waits and notifications, oldest first. */
export const noticeSchema = z.object({
  type: z.string(),
  at: z.string(),
  message: z.string(),
  toolName: z.string().nullable(),
  /** For permission requests: when the agent went on (next event of the turn); null while waiting. */
  resolvedAt: z.string().nullable(),
});
export type Notice = z.infer<typeof noticeSchema>;

export const sessionSummarySchema = z.object({
  sessionId: z.string(),
  agentId: z.string().nullable(),
  hostName: z.string().nullable(),
  containerId: z.string().nullable(),
  workflowId: z.string().nullable(),
  nodeId: z.string().nullable(),
  source: z.string(),
  startedAt: z.string(),
  lastEventAt: z.string(),
  /** Set when the session ended (SessionEnd, agent_complete). */
  completedAt: z.string().nullable(),
  status: sessionStatusSchema,
  /** Why the session waits, e.g. `permission: Bash`; null unless status is `waiting`. */
  waitingFor: z.string().nullable(),
  eventCount: z.number().int(),
  errorCount: z.number().int(),
  /** US dollars, from the sources that report cost; 0 when none did. */
  totalCostUsd: z.number(),
  tokens: tokenTotalsSchema,
  cwd: z.string().nullable(),
  /** Last path segment of cwd. */
  project: z.string().nullable(),
  model: z.string().nullable(),
  permissionMode: z.string().nullable(),
  currentStepIndex: z.number().int().nullable(),
  currentStepName: z.string().nullable(),
  /** The tool running now (latest started), if any. */
  currentTool: z
    .object({ toolName: z.string(), toolUseId: z.string(), startedAt: z.string(), summary: z.string() })
    .nullable(),
  turnCount: z.number().int(),
  toolCallCount: z.number().int(),
  subagentCount: z.number().int(),
  fileCount: z.number().int(),
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;

export const sessionDetailSchema = sessionSummarySchema.extend({
  turns: z.array(turnSchema),
  toolCalls: z.array(toolCallSchema),
  subagents: z.array(subagentSchema),
  files: z.array(fileTouchSchema),
  notices: z.array(noticeSchema),
  /** Set when bounded lists dropped their oldest entries. */
  truncated: z.object({ turns: z.number().int(), toolCalls: z.number().int(), notices: z.number().int() }),
});
export type SessionDetail = z.infer<typeof sessionDetailSchema>;
