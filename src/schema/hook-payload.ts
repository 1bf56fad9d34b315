import { z } from "zod";

/**
 * Claude Code's hook event names, as listed by `HOOK_EVENTS` in
 * `@anthropic-ai/claude-agent-sdk` 0.3.328 (Claude Code 2.1.328).
 * Names outside this list are still accepted: Claude Code adds events faster than we ship.
 */
export const HOOK_EVENTS = [
  "PreToolUse",
  "PostToolUse",
  "PostToolUseFailure",
  "PostToolBatch",
  "Notification",
  "UserPromptSubmit",
  "UserPromptExpansion",
  "SessionStart",
  "SessionEnd",
  "Stop",
  "StopFailure",
  "SubagentStart",
  "SubagentStop",
  "PreCompact",
  "PostCompact",
  "PreModelSwitch",
  "PostModelSwitch",
  "PermissionRequest",
  "PermissionDenied",
  "Setup",
  "TeammateIdle",
  "TaskCreated",
  "TaskCompleted",
  "Elicitation",
  "ElicitationResult",
  "ConfigChange",
  "WorktreeCreate",
  "WorktreeRemove",
  "InstructionsLoaded",
  "CwdChanged",
  "FileChanged",
  "DirectoryAdded",
  "MessageDisplay",
] as const;

export type HookEventName = (typeof HOOK_EVENTS)[number];

const HOOK_EVENT_SET: ReadonlySet<string> = new Set(HOOK_EVENTS);

export function isKnownHookEvent(name: string): name is HookEventName {
  return HOOK_EVENT_SET.has(name);
}

// Ids are opaque strings; 256 chars is far above any id Claude Code emits (UUIDs, toolu_…)
// and keeps a hostile client from using an id as a storage channel.
const id = z.string().min(1).max(256);

/**
 * The JSON Claude Code writes to a hook's stdin (and POSTs from `type: "http"` hooks).
 * Only `session_id` and `hook_event_name` are required. Known fields are typed so that a
 * wrong type is reported with its path; every other field is kept as sent (`looseObject`).
 */
export const hookPayloadSchema = z.looseObject({
  session_id: id,
  hook_event_name: z.string().min(1).max(128),
  transcript_path: z.string().optional(),
  cwd: z.string().optional(),
  prompt_id: id.optional(),
  permission_mode: z.string().optional(),
  agent_id: id.optional(),
  agent_type: z.string().optional(),
  tool_name: z.string().max(512).optional(),
  tool_use_id: id.optional(),
  tool_input: z.unknown().optional(),
  tool_response: z.unknown().optional(),
  // Any JSON number, 1e309 too (JSON.parse makes it Infinity): one out of range (negative, over a
  // week, infinite) is left out of the event, not the event refused.
  duration_ms: z.union([z.number(), z.literal(Infinity), z.literal(-Infinity)]).optional(),
  error: z.unknown().optional(),
  is_interrupt: z.boolean().optional(),
  prompt: z.string().optional(),
  model: z.string().optional(),
  source: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  notification_type: z.string().optional(),
  last_assistant_message: z.string().optional(),
  background_tasks: z.array(z.unknown()).optional(),
  from_model: z.string().optional(),
  to_model: z.string().optional(),
  file_path: z.string().optional(),
  mcp_server: z.unknown().optional(),
});

export type HookPayload = z.infer<typeof hookPayloadSchema>;

/**
 * Session ids of `spanlight doctor`'s test events. They are stored and shown, so doctor can see
 * them arrive, but never exported: a probe is no work of an agent's.
 */
export const DOCTOR_SESSION_PREFIX = "spanlight-doctor-";
