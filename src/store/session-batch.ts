import { toFileOps } from "../ingest/file-paths.ts";
import { oneLine, summarizeToolInput } from "../ingest/summarize.ts";
import type { NormalizedEvent, ToolCall } from "../schema/mod.ts";
import { addCall, finishCall, payloadField, type SessionEffects, turnFor } from "./session-ops.ts";
import type { SessionLimits, SessionState } from "./session-state.ts";

/**
 * PostToolBatch lists every call of a batch. Calls still running never got a Post (denied, or
 * cut short); calls never seen were refused by Claude Code before they ran — an Edit whose text
 * is not in the file, a Read with invalid input — and fire no other hook: recorded here as failed
 * calls of no duration, so the session's tool list and error counts match what the trace shows.
 */
export function closeBatch(
  state: SessionState,
  e: NormalizedEvent,
  at: string,
  limits: SessionLimits,
  effects: SessionEffects,
) {
  const calls = payloadField(e, "tool_calls");
  if (!Array.isArray(calls)) return;
  const denied = state.notices.some((n) => n.type === "PermissionRequest" && n.resolvedAt === null);
  const status = denied ? "denied" : "error";
  for (const item of calls) {
    if (!item || typeof item !== "object") continue;
    const fields = item as Record<string, unknown>;
    const id = fields.tool_use_id;
    if (typeof id !== "string" || id === "") continue;
    const response = fields.tool_response;
    const error = typeof response === "string" ? oneLine(response, 500) : null;
    const known = state.toolCalls.get(id);
    const call = known ?? refusedCall(state, e, fields, id, at, limits, effects);
    if (known && call.status !== "running") continue;
    finishCall(call, at, known ? null : 0, status, error);
    call.endSeq = e.seq;
    if (status === "error") {
      effects.batchFailures ??= [];
      effects.batchFailures.push(call);
      state.errorCount++;
      const turn = turnFor(state, call.promptId);
      if (turn) turn.errorCount++;
    }
    effects.finishedCalls.push(call);
  }
}

function refusedCall(
  state: SessionState,
  e: NormalizedEvent,
  item: Record<string, unknown>,
  id: string,
  at: string,
  limits: SessionLimits,
  effects: SessionEffects,
): ToolCall {
  const toolName = typeof item.tool_name === "string" && item.tool_name !== "" ? item.tool_name : "unknown";
  const input = item.tool_input;
  const command = input && typeof input === "object" ? (input as Record<string, unknown>).command : undefined;
  return addCall(
    state,
    e,
    at,
    {
      toolUseId: id,
      toolName,
      filePaths: toFileOps(toolName, input, e.cwd).map((o) => o.path),
      command: toolName === "Bash" && typeof command === "string" ? command : null,
      summary: summarizeToolInput(toolName, input),
      startSeq: null,
    },
    limits,
    effects,
  );
}
