import type { NormalizedEvent } from "../src/schema/mod.ts";
import { hookEvent } from "./hook-events.ts";
import { LIFECYCLE, type MapperCore } from "./mapper-core.ts";
import type { AgentCall, SessionCtx } from "./open-spans.ts";
import { PROVIDER_NAME, payloadOf, sessionAttributes } from "./span-attributes.ts";
import type { Attributes } from "./span-command.ts";
import { responseAttributes } from "./turn-hooks.ts";

export function subagentKeyOf(ctx: SessionCtx, agentId: string): string {
  return `${ctx.id}|agent|${agentId}`;
}

/** The Agent call whose Post already named this subagent (`tool_response.agentId`): no guess needed. */
function takeNamedCall(ctx: SessionCtx, agentId: string): AgentCall | null {
  const i = ctx.agentCalls.findIndex((c) => c.agentId === agentId);
  return i < 0 ? null : ctx.agentCalls.splice(i, 1)[0]!;
}

/**
 * Claude Code does not say which Agent call started a subagent. Take the call whose Post already
 * named it, else the oldest unmatched call asking for the same subagent_type, else the oldest
 * unmatched call (launch order). The store follows the same rule.
 */
function matchAgentCall(ctx: SessionCtx, agentId: string, type: string | null): AgentCall | null {
  const named = takeNamedCall(ctx, agentId);
  if (named) return named;
  const calls = ctx.agentCalls;
  const wanted = type || "general-purpose";
  let i = calls.findIndex((c) => c.agentId === undefined && (c.subagentType ?? "general-purpose") === wanted);
  if (i < 0) i = calls.findIndex((c) => c.agentId === undefined);
  return i < 0 ? null : calls.splice(i, 1)[0]!;
}

/** An Agent call's Post names its subagent, or says it failed before starting one. */
export function settleAgentCall(ctx: SessionCtx, key: string, e: NormalizedEvent): void {
  const i = ctx.agentCalls.findIndex((c) => c.key === key);
  if (i < 0) return;
  const response = payloadOf(e).tool_response;
  const agentId = response && typeof response === "object" ? (response as Record<string, unknown>).agentId : undefined;
  if (typeof agentId === "string") ctx.agentCalls[i]!.agentId = agentId;
  else if (e.type === "PostToolUseFailure") ctx.agentCalls.splice(i, 1);
}

/**
 * invoke_agent {type} under the Agent call that launched it (which may have returned already),
 * else under its turn. `rebuilt`: started from an event in its middle, not its SubagentStart.
 */
function startSubagent(
  core: MapperCore,
  ctx: SessionCtx,
  e: NormalizedEvent,
  call: AgentCall | null,
  at: number,
  rebuilt: boolean,
): void {
  const agentId = e.subagentId!;
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
  if (rebuilt) attrs["spanlight.subagent.implicit"] = true;
  core.start(ctx, {
    key: subagentKeyOf(ctx, agentId),
    role: "subagent",
    traceId: parent.traceId,
    parentKey,
    agentCtx: agentId,
    startMs: at,
    toolName: null,
    resource: core.resourceOf(e),
    name: `invoke_agent ${type}`,
    attributes: attrs,
    rebuilt,
  });
  core.touch(parentKey, at);
}

export function onSubagentStart(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent, at: number): void {
  const agentId = e.subagentId!;
  const key = subagentKeyOf(ctx, agentId);
  if (!core.isKnown(key)) {
    startSubagent(core, ctx, e, matchAgentCall(ctx, agentId, e.subagentType), at, false);
    return;
  }
  // Late, after a hook of the subagent rebuilt its span (under its turn): the start still takes its
  // Agent call, as in the store, so the next subagent cannot; the span, already started, keeps its
  // parent but names the call.
  const call = core.open.has(key) ? matchAgentCall(ctx, agentId, e.subagentType) : null;
  if (call) {
    const id = call.key.slice(call.key.lastIndexOf("|") + 1);
    core.emit({ op: "set", key, attributes: { "spanlight.subagent.parent_tool_call_id": id } });
  }
}

// Hooks that never rebuild a subagent's span besides the lifecycle ones: its own Start and Stop (a
// SubagentStop of a subagent never seen stays an event: the forked agent of a /compact fires only that).
const NO_REBUILD = new Set(["SubagentStart", "SubagentStop"]);

/**
 * A hook of a subagent whose SubagentStart this server run never saw (the run before it did, then
 * restarted), or whose SubagentStart is late: the first one rebuilds the span, so the subagent's
 * calls still nest under it. Only a Post naming it says which Agent call launched it, else it goes
 * under its turn: guessing by type or launch order, as SubagentStart does, could take the call of
 * another subagent whose SubagentStart is yet to come (the store, too, guesses only at
 * SubagentStart; a late one takes its call then, see onSubagentStart). It starts where the hook's
 * own work started (a call rebuilt from its Post starts `duration_ms` earlier).
 */
export function rebuildSubagent(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent, at: number): void {
  if (!e.subagentId || NO_REBUILD.has(e.type) || LIFECYCLE.has(e.type)) return;
  if (core.isKnown(subagentKeyOf(ctx, e.subagentId))) return;
  startSubagent(core, ctx, e, takeNamedCall(ctx, e.subagentId), at - (e.durationMs ?? 0), true);
}

export function onSubagentStop(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent, at: number): void {
  const key = subagentKeyOf(ctx, e.subagentId ?? "");
  const span = core.open.get(key);
  // Unknown subagent (e.g. the forked agent of a /compact, which never fires SubagentStart): an event.
  if (!span) {
    if (!core.isKnown(key)) hookEvent(core, ctx, e, at);
    return;
  }
  core.endChildren(ctx, span, at, "subagent stopped before PostToolUse");
  core.emit({ op: "set", key, attributes: responseAttributes(core, e) });
  core.touch(span.parentKey, at);
  core.finish(key, at, null, null);
}
