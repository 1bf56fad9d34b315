import type { NormalizedEvent } from "../src/schema/mod.ts";
import { LIFECYCLE, type MapperCore } from "./mapper-core.ts";
import type { OpenSpan, SessionCtx } from "./open-spans.ts";
import { hookEventAttributes, sessionAttributes, toSnakeCase } from "./span-attributes.ts";
import type { Attributes } from "./span-command.ts";
import { toLifecycleTraceId } from "./span-ids.ts";

/** PermissionRequest carries no tool_use_id: the latest open call of that tool in the same thread. */
export function openCallNamed(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent): OpenSpan | null {
  if (e.toolUseId) return core.open.get(`${ctx.id}|tool|${e.toolUseId}`) ?? null;
  for (let i = ctx.open.length - 1; i >= 0; i--) {
    const span = core.open.get(ctx.open[i]!);
    if (span?.role === "tool" && span.toolName === e.toolName && span.agentCtx === e.subagentId) return span;
  }
  return null;
}

/**
 * A zero-length span for a hook outside any open span: in the trace of the turn it names when
 * that turn already ended (a late hook), else in the session's lifecycle trace.
 */
export function point(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent, at: number, attrs: Attributes): void {
  const key = `${ctx.id}|point|${e.id}`;
  if (core.isKnown(key)) return;
  const turnKey = e.promptId && !LIFECYCLE.has(e.type) ? core.turnKeyOf(ctx, e.promptId) : null;
  const turn = turnKey && !core.open.has(turnKey) ? core.refOf(turnKey) : null;
  core.start(ctx, {
    key,
    role: "step",
    traceId: turn ? turn.traceId : toLifecycleTraceId(ctx.id),
    parentKey: turn ? turnKey : null,
    agentCtx: e.subagentId,
    startMs: at,
    toolName: null,
    resource: core.resourceOf(e),
    name: toSnakeCase(e.type),
    attributes: { ...sessionAttributes(ctx.id), ...attrs },
  });
  core.finish(key, at, null, null);
}

/** A span event on the innermost open span of the hook's thread; a point span when nothing is open. */
export function hookEvent(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent, at: number): void {
  const attrs = hookEventAttributes(e, core.opts);
  const permission = e.type === "PermissionRequest";
  const target = (permission ? openCallNamed(core, ctx, e) : null) ?? core.innermost(ctx, e.subagentId);
  if (!target) {
    point(core, ctx, e, at, attrs);
    return;
  }
  if (permission && target.role === "tool") target.permissionAsked = true;
  core.emit({ op: "event", key: target.key, name: toSnakeCase(e.type), atMs: at, attributes: attrs });
  core.touch(target.key, at);
}
