import type { NormalizedEvent } from "../src/schema/mod.ts";
import type { MapperCore } from "./mapper-core.ts";
import type { AgentCall, OpenSpan, SessionCtx } from "./open-spans.ts";
import {
  firstLine,
  hookEventAttributes,
  isAgentTool,
  PROVIDER_NAME,
  payloadOf,
  sessionAttributes,
  str,
  toolEndAttributes,
  toolStartAttributes,
} from "./span-attributes.ts";
import type { Attributes } from "./span-command.ts";
import { toolBatchCommands } from "./tool-batch.ts";
import { responseAttributes } from "./turn-hooks.ts";

// Agent calls waiting for their SubagentStart, per session; parallel launches are a handful.
const MAX_AGENT_CALLS = 64;

export function toolKeyOf(ctx: SessionCtx, toolUseId: string): string {
  return `${ctx.id}|tool|${toolUseId}`;
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
  const parentKey = core.callParentOf(ctx, e, at);
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
  const span = core.openCallNamed(ctx, e);
  if (!span) {
    core.hookEvent(ctx, e, at);
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

/**
 * Claude Code does not say which Agent call started a subagent. Take the call whose Post already
 * named it (`tool_response.agentId`), else the oldest unmatched call asking for the same
 * subagent_type, else the oldest unmatched call (launch order). The store follows the same rule.
 */
function matchAgentCall(ctx: SessionCtx, agentId: string, type: string | null): AgentCall | null {
  const calls = ctx.agentCalls;
  const wanted = type || "general-purpose";
  let i = calls.findIndex((c) => c.agentId === agentId);
  if (i < 0) i = calls.findIndex((c) => c.agentId === undefined && (c.subagentType ?? "general-purpose") === wanted);
  if (i < 0) i = calls.findIndex((c) => c.agentId === undefined);
  return i < 0 ? null : calls.splice(i, 1)[0]!;
}

/** An Agent call's Post names its subagent, or says it failed before starting one. */
function settleAgentCall(ctx: SessionCtx, key: string, e: NormalizedEvent): void {
  const i = ctx.agentCalls.findIndex((c) => c.key === key);
  if (i < 0) return;
  const response = payloadOf(e).tool_response;
  const agentId = response && typeof response === "object" ? (response as Record<string, unknown>).agentId : undefined;
  if (typeof agentId === "string") ctx.agentCalls[i]!.agentId = agentId;
  else if (e.type === "PostToolUseFailure") ctx.agentCalls.splice(i, 1);
}

/** SubagentStart: invoke_agent {type} under the Agent call that launched it (which may have returned already). */
export function onSubagentStart(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent, at: number): void {
  const agentId = e.subagentId!;
  const key = `${ctx.id}|agent|${agentId}`;
  if (core.isKnown(key)) return;
  const call = matchAgentCall(ctx, agentId, e.subagentType);
  const parentKey = call ? call.key : core.turnOf(ctx, { ...e, subagentId: null }, at);
  const parent = call ? call.ref : core.refOf(parentKey)!;
  const type = e.subagentType || "subagent";
  const attrs: Attributes = {
    "gen_ai.operation.name": "invoke_agent",
    "gen_ai.agent.name": type,
    "gen_ai.agent.id": agentId,
    "gen_ai.provider.name": PROVIDER_NAME,
    ...sessionAttributes(ctx.id),
  };
  if (e.promptId) attrs["prompt.id"] = e.promptId;
  if (call) attrs["spanlight.subagent.parent_tool_call_id"] = call.key.slice(call.key.lastIndexOf("|") + 1);
  core.start(ctx, {
    key,
    role: "subagent",
    traceId: parent.traceId,
    parentKey,
    agentCtx: agentId,
    startMs: at,
    toolName: null,
    resource: core.resourceOf(e),
    name: `invoke_agent ${type}`,
    attributes: attrs,
  });
  core.touch(parentKey, at);
}

export function onSubagentStop(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent, at: number): void {
  const key = `${ctx.id}|agent|${e.subagentId ?? ""}`;
  const span = core.open.get(key);
  // Unknown subagent (e.g. the forked agent of a /compact, which never fires SubagentStart): an event.
  if (!span) {
    if (!core.isKnown(key)) core.hookEvent(ctx, e, at);
    return;
  }
  core.endChildren(ctx, span, at, "subagent stopped before PostToolUse");
  core.emit({ op: "set", key, attributes: responseAttributes(core, e) });
  core.touch(span.parentKey, at);
  core.finish(key, at, null, null);
}
