import type { NormalizedEvent } from "../src/schema/mod.ts";
import { hookEvent, openCallNamed } from "./hook-events.ts";
import type { MapperCore } from "./mapper-core.ts";
import type { OpenSpan, SessionCtx } from "./open-spans.ts";
import {
  firstLine,
  hookEventAttributes,
  isAgentTool,
  payloadOf,
  str,
  toolEndAttributes,
  toolStartAttributes,
} from "./span-attributes.ts";
import { settleAgentCall, subagentKeyOf } from "./subagent-hooks.ts";
import { toolBatchCommands } from "./tool-batch.ts";

// Agent calls waiting for their SubagentStart, per session; parallel launches are a handful.
const MAX_AGENT_CALLS = 64;

export function toolKeyOf(ctx: SessionCtx, toolUseId: string): string {
  return `${ctx.id}|tool|${toolUseId}`;
}

/** Structural parent of a tool call: its subagent's span, else its turn. */
function callParentOf(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent, at: number): string {
  if (e.subagentId) {
    const key = subagentKeyOf(ctx, e.subagentId);
    if (core.isKnown(key)) return key;
  }
  return core.turnOf(ctx, e, at);
}

export function onPreTool(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent, at: number): void {
  const key = toolKeyOf(ctx, e.toolUseId ?? e.id);
  if (!core.isKnown(key)) startCall(core, ctx, e, key, at);
}

/** An execute_tool span under its subagent or turn; Agent calls wait to be matched to a SubagentStart. */
export function startCall(
  core: MapperCore,
  ctx: SessionCtx,
  e: NormalizedEvent,
  key: string,
  at: number,
  rebuilt = false,
): OpenSpan {
  const parentKey = callParentOf(core, ctx, e, at);
  const span = core.start(ctx, {
    key,
    role: "tool",
    traceId: core.refOf(parentKey)!.traceId,
    parentKey,
    agentCtx: e.subagentId,
    startMs: at,
    toolName: e.toolName,
    resource: core.resourceOf(e),
    name: `execute_tool ${e.toolName ?? "unknown"}`,
    attributes: toolStartAttributes(e, core.opts),
    rebuilt,
  });
  core.touch(parentKey, at);
  if (isAgentTool(e.toolName)) {
    const input = payloadOf(e).tool_input;
    const type = input && typeof input === "object" ? str((input as Record<string, unknown>).subagent_type) : null;
    ctx.agentCalls.push({ key, ref: { traceId: span.traceId, spanId: span.spanId }, subagentType: type });
    if (ctx.agentCalls.length > MAX_AGENT_CALLS) ctx.agentCalls.shift();
  }
  return span;
}

export function onPostTool(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent, at: number): void {
  const key = toolKeyOf(ctx, e.toolUseId ?? e.id);
  if (core.isKnown(key) && !core.open.has(key)) return; // re-sent hook
  // The Pre was missed (not hooked, or before Spanlight started): the call still gets its span.
  const span = core.open.get(key) ?? startCall(core, ctx, e, key, at - (e.durationMs ?? 0), true);
  if (isAgentTool(e.toolName)) settleAgentCall(ctx, key, e);
  const { opts } = core;
  core.emit({ op: "set", key, attributes: toolEndAttributes(e, opts) });
  if (e.type === "PostToolUseFailure") {
    emitFailure(core, key, e.error, payloadOf(e).is_interrupt === true ? "interrupted" : "tool_error", at);
  }
  // duration_ms is the tool's own run time: the call cannot have been shorter than that.
  const corrected = e.durationMs !== null && at - span.startMs < e.durationMs ? at - e.durationMs : null;
  core.touch(span.parentKey, at);
  core.finish(key, at, corrected, null);
}

/**
 * Status ERROR with an `exception` event of `kind`. The error's first line ("Exit code 3", "File
 * does not exist.") is a status; the rest is tool output, sent only with otel.capture.toolOutput.
 */
export function emitFailure(core: MapperCore, key: string, error: string | null, kind: string, at: number): void {
  const text = error ?? "failed";
  const { opts } = core;
  const message = opts.capture.toolOutput ? text.slice(0, opts.maxAttributeChars) : firstLine(text, 200);
  core.emit({ op: "set", key, attributes: { "error.type": kind } });
  core.emit({
    op: "event",
    key,
    name: "exception",
    atMs: at,
    attributes: { "exception.type": kind, "exception.message": message },
  });
  core.emit({ op: "status", key, code: "error", message: firstLine(text, 200) });
}

export function onPermissionDenied(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent, at: number): void {
  const span = openCallNamed(core, ctx, e);
  if (!span) {
    hookEvent(core, ctx, e, at);
    return;
  }
  const reason = str(payloadOf(e).reason) ?? "denied";
  core.emit({
    op: "event",
    key: span.key,
    name: "permission_denied",
    atMs: at,
    attributes: hookEventAttributes(e, core.opts),
  });
  core.emit({ op: "set", key: span.key, attributes: { "error.type": "permission_denied" } });
  core.emit({ op: "status", key: span.key, code: "error", message: firstLine(`permission denied: ${reason}`, 200) });
  core.touch(span.parentKey, at);
  core.finish(span.key, at, null, null);
}

export function onToolBatch(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent, at: number): void {
  toolBatchCommands(e, {
    isKnown: (id) => core.isKnown(toolKeyOf(ctx, id)),
    openCall: (id) => core.open.get(toolKeyOf(ctx, id)) ?? null,
    startCall: (synthetic, key) => startCall(core, ctx, synthetic, key, at),
    finish: (key, incomplete) => core.finish(key, at, null, incomplete),
    emit: core.emit,
    fail: (key, error, kind) => emitFailure(core, key, error, kind, at),
    keyOf: (id) => toolKeyOf(ctx, id),
  });
}
