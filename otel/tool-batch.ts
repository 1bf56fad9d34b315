import { toFileOps } from "../src/ingest/mod.ts";
import type { NormalizedEvent } from "../src/schema/mod.ts";
import type { OpenSpan } from "./open-spans.ts";
import { firstLine, payloadOf, str } from "./span-attributes.ts";
import type { SpanCommand } from "./span-command.ts";

export type BatchDeps = {
  isKnown(toolUseId: string): boolean;
  openCall(toolUseId: string): OpenSpan | null;
  startCall(synthetic: NormalizedEvent, key: string): OpenSpan;
  finish(key: string, incomplete: string | null): void;
  emit(cmd: SpanCommand): void;
  /** A failure as a failed hook reports it: ERROR status, `error.type` and an `exception` event. */
  fail(key: string, error: string, kind: string): void;
  keyOf(toolUseId: string): string;
};

const TOOL_USE_ERROR = /^<tool_use_error>([\s\S]*?)(?:<\/tool_use_error>)?$/;

/** The batch item as if its own Pre/Post hook had fired: Claude Code fires neither for invalid input. */
function toSyntheticCall(e: NormalizedEvent, item: Record<string, unknown>, index: number): NormalizedEvent {
  const toolName = str(item.tool_name);
  const input = item.tool_input;
  const command =
    toolName === "Bash" && input && typeof input === "object" ? str((input as Record<string, unknown>).command) : null;
  const prefix = `tool_calls[${index}].`;
  return {
    ...e,
    type: "PreToolUse",
    toolName,
    toolUseId: str(item.tool_use_id),
    filePaths: toFileOps(toolName, input, e.cwd).map((o) => o.path),
    command,
    durationMs: null,
    payload: { ...payloadOf(e), tool_input: input, tool_response: item.tool_response },
    trimmed: e.trimmed
      .filter((m) => m.path.startsWith(prefix))
      .map((m) => ({ ...m, path: m.path.slice(prefix.length) })),
  };
}

/**
 * PostToolBatch lists every call of a model turn, including those that never got a Post:
 * denied in print mode (a PermissionRequest was seen) or rejected before running (invalid
 * input, Edit without a match — these fire no Pre either). Those end here, as errors.
 */
export function toolBatchCommands(e: NormalizedEvent, deps: BatchDeps): void {
  const calls = payloadOf(e).tool_calls;
  if (!Array.isArray(calls)) return;
  calls.forEach((raw, index) => {
    if (!raw || typeof raw !== "object") return;
    const item = raw as Record<string, unknown>;
    const id = str(item.tool_use_id);
    if (!id) return;
    const response = typeof item.tool_response === "string" ? item.tool_response : null;
    const open = deps.openCall(id);
    if (open) {
      if (open.permissionAsked) {
        // Denied: the user's decision, marked as the PermissionDenied hook marks it (no exception).
        deps.emit({ op: "set", key: open.key, attributes: { "error.type": "permission_denied" } });
        deps.emit({ op: "status", key: open.key, code: "error", message: firstLine(response ?? "denied", 200) });
      } else deps.fail(open.key, response ?? "no result", "no_result");
      deps.finish(open.key, null);
      return;
    }
    if (deps.isKnown(id)) return;
    const key = deps.keyOf(id);
    deps.startCall(toSyntheticCall(e, item, index), key);
    deps.emit({ op: "set", key, attributes: { "spanlight.tool.batch_only": true } });
    const error = response ? TOOL_USE_ERROR.exec(response.trim()) : null;
    if (error) deps.fail(key, (error[1] ?? "").trim(), "tool_error");
    deps.finish(key, null);
  });
}
