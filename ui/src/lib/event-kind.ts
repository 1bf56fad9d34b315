import type { NormalizedEvent } from "../../../src/schema/normalized-event.ts";

export type IconName =
  | "play"
  | "stop"
  | "chat"
  | "tool"
  | "check"
  | "cross"
  | "branch"
  | "bell"
  | "lock"
  | "flag"
  | "alert"
  | "dot"
  | "terminal"
  | "gear"
  | "spark";

/** Colour family of a row's icon; the CSS maps each to a themed colour. */
export type Tone = "session" | "prompt" | "tool" | "ok" | "error" | "agent" | "wait" | "llm" | "muted";

export type EventKind = { icon: IconName; tone: Tone };

const BY_TYPE: Record<string, EventKind> = {
  SessionStart: { icon: "play", tone: "session" },
  SessionEnd: { icon: "stop", tone: "session" },
  Setup: { icon: "gear", tone: "muted" },
  UserPromptSubmit: { icon: "chat", tone: "prompt" },
  UserPromptExpansion: { icon: "chat", tone: "prompt" },
  MessageDisplay: { icon: "chat", tone: "muted" },
  PreToolUse: { icon: "tool", tone: "tool" },
  PostToolUse: { icon: "check", tone: "ok" },
  PostToolBatch: { icon: "check", tone: "muted" },
  PostToolUseFailure: { icon: "cross", tone: "error" },
  PermissionRequest: { icon: "lock", tone: "wait" },
  PermissionDenied: { icon: "lock", tone: "error" },
  Notification: { icon: "bell", tone: "wait" },
  Elicitation: { icon: "bell", tone: "wait" },
  ElicitationResult: { icon: "bell", tone: "muted" },
  Stop: { icon: "flag", tone: "ok" },
  StopFailure: { icon: "alert", tone: "error" },
  SubagentStart: { icon: "branch", tone: "agent" },
  SubagentStop: { icon: "branch", tone: "agent" },
  agent_start: { icon: "play", tone: "session" },
  agent_complete: { icon: "stop", tone: "session" },
  agent_error: { icon: "alert", tone: "error" },
  tool_call: { icon: "tool", tone: "tool" },
  bash_command: { icon: "terminal", tone: "tool" },
  metric: { icon: "dot", tone: "muted" },
  // Claude Code's own log events, received over OTLP (docs/otlp.md).
  "claude_code.user_prompt": { icon: "chat", tone: "prompt" },
  "claude_code.api_request": { icon: "spark", tone: "llm" },
  "claude_code.api_error": { icon: "alert", tone: "error" },
  "claude_code.api_retries_exhausted": { icon: "alert", tone: "error" },
  "claude_code.assistant_response": { icon: "chat", tone: "muted" },
  "claude_code.tool_decision": { icon: "lock", tone: "muted" },
  "claude_code.tool_result": { icon: "check", tone: "ok" },
  "claude_code.subagent_completed": { icon: "branch", tone: "agent" },
  "claude_code.compaction": { icon: "gear", tone: "muted" },
  "claude_code.mcp_server_connection": { icon: "gear", tone: "muted" },
  "claude_code.skill_activated": { icon: "flag", tone: "muted" },
};

const OTLP_PREFIX = "claude_code.";

/** Icon and colour for an event row: failures always read as errors whatever their type. */
export function toEventKind(e: Pick<NormalizedEvent, "type" | "status">): EventKind {
  const known = BY_TYPE[e.type];
  if (e.status === "error") {
    return { icon: known?.icon === "tool" || known?.icon === "check" ? "cross" : "alert", tone: "error" };
  }
  return known ?? { icon: "dot", tone: "muted" };
}

/** The type as a row shows it: Claude Code's OTLP events without their `claude_code.` prefix (a tag says OTel). */
export function shortType(e: Pick<NormalizedEvent, "type" | "source">): string {
  return e.source === "otlp" && e.type.startsWith(OTLP_PREFIX) ? e.type.slice(OTLP_PREFIX.length) : e.type;
}

// Enough hues to tell the usual tools apart; the same tool has the same colour in every view.
export const TOOL_HUES = 10;

/** Stable colour slot for a tool name (a small string hash), so Bash is always the same colour. */
export function toolColorSlot(toolName: string | null | undefined): number {
  if (!toolName) return 0;
  let h = 0;
  for (let i = 0; i < toolName.length; i++) h = (Math.imul(h, 31) + toolName.charCodeAt(i)) | 0;
  return Math.abs(h) % TOOL_HUES;
}
