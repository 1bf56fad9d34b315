import type { EventDraft, HookPayload } from "../schema/mod.ts";
import { taskNotificationText } from "../text/prompt-text.ts";
import type { IngestContext } from "./context.ts";
import { plausibleDuration } from "./event-time.ts";
import { toFileOps } from "./file-paths.ts";
import { firstLine, oneLine, summarizeToolInput } from "./summarize.ts";
import type { Sanitized } from "./trim.ts";

export type Received = { id: string; receivedAt: string; sourceTime: string | null; context: IngestContext };

function s(payload: Record<string, unknown>, key: string): string | null {
  const v = payload[key];
  return typeof v === "string" && v !== "" ? v : null;
}

function errorText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const msg = (value as Record<string, unknown>).message;
    return typeof msg === "string" ? msg : JSON.stringify(value);
  }
  return null;
}

function hookSummary(type: string, p: Record<string, unknown>, toolSummary: string): string {
  const tool = s(p, "tool_name");
  switch (type) {
    case "PreToolUse":
    case "PostToolUse":
    case "PermissionRequest":
      return oneLine(`${tool ?? "tool"}: ${toolSummary}`);
    case "PostToolUseFailure":
      return oneLine(`${tool ?? "tool"} failed: ${firstLine(errorText(p.error) ?? "")}`);
    case "PermissionDenied":
      return oneLine(`${tool ?? "tool"} denied: ${s(p, "reason") ?? toolSummary}`);
    case "UserPromptSubmit":
    case "UserPromptExpansion": {
      const prompt = s(p, "prompt") ?? "";
      return oneLine(taskNotificationText(prompt) ?? prompt);
    }
    case "Stop":
    case "SubagentStop":
      return oneLine(s(p, "last_assistant_message") ?? s(p, "agent_type") ?? "");
    case "StopFailure":
      return oneLine(`${errorText(p.error) ?? "error"}: ${s(p, "last_assistant_message") ?? ""}`);
    case "SessionStart":
      return oneLine([s(p, "source"), s(p, "model")].filter(Boolean).join(" · "));
    case "SessionEnd":
      return s(p, "reason") ?? "";
    case "SubagentStart":
      return oneLine(`${s(p, "agent_type") || "subagent"} ${s(p, "agent_id") ?? ""}`);
    case "PreModelSwitch":
    case "PostModelSwitch":
      return oneLine(`${s(p, "from_model") ?? "?"} → ${s(p, "to_model") ?? s(p, "requested_model") ?? "?"}`);
    case "Notification":
    case "Elicitation":
      return oneLine(s(p, "message") ?? s(p, "notification_type") ?? "");
    case "TaskCreated":
    case "TaskCompleted":
      return oneLine(s(p, "task_subject") ?? "");
    case "CwdChanged":
      return oneLine(`${s(p, "old_cwd") ?? ""} → ${s(p, "new_cwd") ?? ""}`);
    case "PostToolBatch": {
      const calls = Array.isArray(p.tool_calls) ? p.tool_calls.length : 0;
      return `${calls} tool call${calls === 1 ? "" : "s"}`;
    }
    default:
      return oneLine(
        s(p, "file_path") ??
          s(p, "message") ??
          s(p, "worktree_path") ??
          s(p, "name") ??
          s(p, "directory") ??
          s(p, "trigger") ??
          s(p, "source") ??
          "",
      );
  }
}

const ERROR_TYPES = new Set(["PostToolUseFailure", "StopFailure"]);
const OK_TYPES = new Set(["PostToolUse", "Stop", "SubagentStop"]);

/** What the event takes from the validated payload itself (everything else from the sanitized copy). */
export type HookIdentity = Pick<HookPayload, "hook_event_name" | "session_id" | "duration_ms">;

/** A validated Claude Code hook payload → the normalized event (fields read from the sanitized copy). */
export function toHookEvent(payload: HookIdentity, clean: Sanitized, rx: Received): EventDraft {
  const p = clean.value as Record<string, unknown>;
  const type = payload.hook_event_name;
  const toolName = s(p, "tool_name");
  const toolInput = p.tool_input;
  const toolSummary = summarizeToolInput(toolName, toolInput);
  const isError = ERROR_TYPES.has(type);
  const error = isError
    ? type === "StopFailure"
      ? oneLine(`${errorText(p.error) ?? "error"}: ${s(p, "last_assistant_message") ?? ""}`, 2000)
      : (errorText(p.error) ?? "failed")
    : null;
  const command =
    toolName === "Bash" && toolInput && typeof toolInput === "object" ? s(toolInput as never, "command") : null;
  return {
    id: rx.id,
    receivedAt: rx.receivedAt,
    sourceTime: rx.sourceTime,
    source: "claude-code-hook",
    type,
    sessionId: payload.session_id,
    agentId: rx.context.agentId ?? rx.context.hostName,
    hostName: rx.context.hostName,
    containerId: rx.context.containerId,
    workflowId: rx.context.workflowId,
    nodeId: rx.context.nodeId,
    subagentId: s(p, "agent_id"),
    subagentType: typeof p.agent_type === "string" ? p.agent_type : null,
    promptId: s(p, "prompt_id"),
    cwd: s(p, "cwd"),
    toolName,
    toolUseId: s(p, "tool_use_id"),
    filePaths: toFileOps(toolName, toolInput, s(p, "cwd")).map((o) => o.path),
    command,
    durationMs: plausibleDuration(typeof payload.duration_ms === "number" ? payload.duration_ms : null),
    status: isError ? "error" : OK_TYPES.has(type) ? "ok" : null,
    error,
    summary: hookSummary(type, p, toolSummary),
    usage: null,
    model: s(p, "model") ?? s(p, "to_model"),
    payload: clean.value,
    trimmed: clean.trimmed,
    bytes: clean.bytes,
    seq: 0,
  };
}
