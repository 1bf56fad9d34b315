import type { NormalizedEvent } from "../src/schema/mod.ts";
import { cap, contentAttributes, utf8Length } from "./content-attributes.ts";
import type { Attributes } from "./span-command.ts";

/** What may leave the machine besides lengths and hashes (otel.capture.*). */
export type CaptureOptions = { prompts: boolean; toolInput: boolean; toolOutput: boolean };
export type AttributeOptions = { capture: CaptureOptions; maxAttributeChars: number };

export const AGENT_NAME = "claude-code";
export const PROVIDER_NAME = "anthropic";

export function payloadOf(e: NormalizedEvent): Record<string, unknown> {
  return e.payload && typeof e.payload === "object" ? (e.payload as Record<string, unknown>) : {};
}

export function str(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

export function firstLine(text: string, max: number): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return cap(line.trim(), max);
}

/** Attributes every span of a session carries, so all its traces can be found together. */
export function sessionAttributes(sessionId: string): Attributes {
  return { "session.id": sessionId, "gen_ai.conversation.id": sessionId };
}

export function projectOf(cwd: string): string {
  const parts = cwd.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? cwd;
}

export type TurnContext = { cwd: string | null; permissionMode: string | null; model: string | null };

export function turnAttributes(
  e: NormalizedEvent,
  turnIndex: number,
  ctx: TurnContext,
  implicit: boolean,
  opts: AttributeOptions,
): Attributes {
  const out: Attributes = {
    "gen_ai.operation.name": "invoke_agent",
    "gen_ai.agent.name": AGENT_NAME,
    "gen_ai.provider.name": PROVIDER_NAME,
    ...sessionAttributes(e.sessionId ?? ""),
    "spanlight.turn.index": turnIndex,
  };
  if (e.promptId) out["prompt.id"] = e.promptId;
  if (ctx.cwd) {
    out["spanlight.cwd"] = cap(ctx.cwd, opts.maxAttributeChars);
    out["spanlight.project"] = cap(projectOf(ctx.cwd), opts.maxAttributeChars);
  }
  if (ctx.permissionMode) out["spanlight.permission_mode"] = ctx.permissionMode;
  if (ctx.model) out["gen_ai.request.model"] = ctx.model;
  if (implicit) out["spanlight.turn.implicit"] = true;
  const p = payloadOf(e);
  if (!implicit && typeof p.prompt === "string") {
    Object.assign(
      out,
      contentAttributes(
        e,
        "prompt",
        p.prompt,
        { text: "user_prompt", length: "user_prompt_length", hash: "spanlight.prompt.sha256" },
        opts.capture.prompts,
        opts,
      ),
    );
  }
  return out;
}

/** `mcp__server__tool` → `server` (Claude Code's MCP tool naming). */
export function mcpServerOf(e: NormalizedEvent): string | null {
  const p = payloadOf(e);
  const given = p.mcp_server;
  if (given && typeof given === "object") {
    const name = str((given as Record<string, unknown>).name);
    if (name) return name;
  }
  const m = /^mcp__(.+?)__/.exec(e.toolName ?? "");
  return m ? m[1]! : null;
}

export function toolStartAttributes(e: NormalizedEvent, opts: AttributeOptions): Attributes {
  const toolName = e.toolName ?? "unknown";
  const mcp = mcpServerOf(e);
  const out: Attributes = {
    "gen_ai.operation.name": "execute_tool",
    "gen_ai.tool.name": toolName,
    "gen_ai.tool.type": mcp ? "extension" : "function",
    ...sessionAttributes(e.sessionId ?? ""),
  };
  if (e.toolUseId) out["gen_ai.tool.call.id"] = e.toolUseId;
  if (e.promptId) out["prompt.id"] = e.promptId;
  if (e.subagentId) out["gen_ai.agent.id"] = e.subagentId;
  if (mcp) out["mcp.server.name"] = mcp;
  const paths = e.filePaths.map((path) => cap(path, opts.maxAttributeChars));
  if (paths.length > 0) out["file.path"] = paths[0]!;
  if (paths.length > 1) out["spanlight.tool.file_paths"] = paths.slice(0, 32);
  const p = payloadOf(e);
  Object.assign(
    out,
    contentAttributes(
      e,
      "tool_input",
      p.tool_input,
      {
        text: "gen_ai.tool.call.arguments",
        length: "spanlight.tool.input.length",
        hash: "spanlight.tool.input.sha256",
      },
      opts.capture.toolInput,
      opts,
    ),
  );
  if (e.command && opts.capture.toolInput) out["process.command_line"] = cap(e.command, opts.maxAttributeChars);
  if (isAgentTool(toolName) && p.tool_input && typeof p.tool_input === "object") {
    const input = p.tool_input as Record<string, unknown>;
    const type = str(input.subagent_type);
    if (type) out["spanlight.subagent.type"] = type;
    // run_in_background defaults to true in Claude Code 2.1.x.
    out["spanlight.subagent.background"] = input.run_in_background !== false;
  }
  return out;
}

const EXIT_CODE = /^Exit code (\d+)/;
const PROCESS_EXIT_CODE = "process.exit.code";

/** Attributes known once a call returned (PostToolUse / PostToolUseFailure). */
export function toolEndAttributes(e: NormalizedEvent, opts: AttributeOptions): Attributes {
  const p = payloadOf(e);
  const out: Attributes = {};
  if (e.durationMs !== null) out["spanlight.tool.duration_ms"] = e.durationMs;
  Object.assign(
    out,
    contentAttributes(
      e,
      "tool_response",
      p.tool_response,
      { text: "gen_ai.tool.call.result", length: "spanlight.tool.output.length", hash: "spanlight.tool.output.sha256" },
      opts.capture.toolOutput,
      opts,
    ),
  );
  const response = p.tool_response && typeof p.tool_response === "object" ? p.tool_response : null;
  const exit = response ? (response as Record<string, unknown>).exitCode : undefined;
  const fromError = e.error ? EXIT_CODE.exec(e.error) : null;
  if (typeof exit === "number") out[PROCESS_EXIT_CODE] = exit;
  else if (fromError) out[PROCESS_EXIT_CODE] = Number(fromError[1]);
  if (p.is_interrupt === true) out["spanlight.tool.interrupted"] = true;
  return out;
}

export function isAgentTool(name: string | null): boolean {
  return name === "Agent" || name === "Task";
}

/** Payload fields the mapper never reads: the event carries them already, or they never become attributes. */
export const UNREAD_PAYLOAD_FIELDS = [
  "session_id",
  "transcript_path",
  "agent_transcript_path",
  "hook_event_name",
  "cwd",
  "prompt_id",
] as const;

// Payload fields that are never copied into generic hook-event attributes: content with
// attributes of its own (prompts, model output, tool input and output, file text) and fields
// every span already carries.
const SKIPPED_FIELDS = new Set<string>([
  ...UNREAD_PAYLOAD_FIELDS,
  "permission_mode",
  "agent_id",
  "agent_type",
  "prompt",
  "last_assistant_message",
  "tool_input",
  "tool_response",
  "tool_calls",
  "requested_schema",
  "content",
]);

// String fields of generic hooks known to hold kinds, names, ids, models and paths, never
// conversation or file text: exported as they are. Any other string — what was said (`message` of
// a notification or an MCP elicitation, `command_args` typed after a slash command, task titles,
// compaction summaries) or a field this version does not know, which a newer Claude Code may add
// holding text — goes out as its UTF-8 size only, unless `otel.capture.prompts`: unknown means
// private until shown otherwise.
const METADATA_FIELDS = new Set<string>([
  "source",
  "reason",
  "trigger",
  "mode",
  "action",
  "event",
  "title",
  "notification_type",
  "mcp_server_name",
  "memory_type",
  "load_reason",
  "expansion_type",
  "command_name",
  "command_source",
  "file_path",
  "parent_file_path",
  "trigger_file_path",
  "old_cwd",
  "new_cwd",
  "directory",
  "worktree_path",
  "name",
  "teammate_name",
  "task_id",
  "turn_id",
  "message_id",
  "tool_name",
  "tool_use_id",
  "model",
  "from_model",
  "to_model",
  "requested_model",
  "pricing",
  "cache_ttl",
  "error",
]);

/**
 * A hook that becomes a span event or short span: its scalar fields as `claude_code.<field>`.
 * Numbers and booleans as they are; strings per METADATA_FIELDS, else their size.
 */
export function hookEventAttributes(e: NormalizedEvent, opts: AttributeOptions): Attributes {
  const out: Attributes = { "spanlight.hook.event": e.type };
  const max = Math.min(opts.maxAttributeChars, 1024);
  for (const [key, value] of Object.entries(payloadOf(e))) {
    if (SKIPPED_FIELDS.has(key)) continue;
    if (typeof value === "number" || typeof value === "boolean") out[`claude_code.${key}`] = value;
    else if (typeof value !== "string") continue;
    else if (opts.capture.prompts) out[`claude_code.${key}`] = cap(value, max);
    // `error` names a kind (`server_error`); past its first line an error is output.
    else if (key === "error") out["claude_code.error"] = firstLine(value, 200);
    else if (METADATA_FIELDS.has(key)) out[`claude_code.${key}`] = cap(value, max);
    else out[`claude_code.${key}_length`] = utf8Length(value);
  }
  if (e.toolName && out["gen_ai.tool.name"] === undefined) out["gen_ai.tool.name"] = e.toolName;
  if (e.type === "UserPromptExpansion") {
    Object.assign(
      out,
      contentAttributes(
        e,
        "prompt",
        payloadOf(e).prompt,
        { text: "claude_code.prompt", length: "claude_code.prompt_length", hash: "spanlight.prompt.sha256" },
        opts.capture.prompts,
        opts,
      ),
    );
  }
  return out;
}

const SNAKE_CASE = new Map<string, string>();

/** `PermissionRequest` → `permission_request` (hook names are few: cached). */
export function toSnakeCase(name: string): string {
  let snake = SNAKE_CASE.get(name);
  if (snake === undefined) {
    snake = name
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .replace(/[^A-Za-z0-9_.]+/g, "_")
      .toLowerCase();
    // Unknown hook names come from clients: cache only a bounded number.
    if (SNAKE_CASE.size < 256) SNAKE_CASE.set(name, snake);
  }
  return snake;
}
