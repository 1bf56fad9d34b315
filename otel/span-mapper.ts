import type { NormalizedEvent } from "../src/schema/mod.ts";
import {
  type AgentCall,
  BoundedMap,
  createSessionCtx,
  type OpenSpan,
  type SessionCtx,
  type SpanRef,
  type SpanRole,
} from "./open-spans.ts";
import {
  AGENT_NAME,
  type AttributeOptions,
  contentAttributes,
  firstLine,
  hookEventAttributes,
  isAgentTool,
  PROVIDER_NAME,
  payloadOf,
  sessionAttributes,
  str,
  toolEndAttributes,
  toolStartAttributes,
  toSnakeCase,
  turnAttributes,
} from "./span-attributes.ts";
import type { Attributes, SpanCommand, SpanResource } from "./span-command.ts";
import { toLifecycleTraceId, toPromptKey, toSpanId, toTurnTraceId } from "./span-ids.ts";
import { toolBatchCommands } from "./tool-batch.ts";

export type MapperOptions = AttributeOptions & {
  maxOpenSpans: number;
  toolTimeoutMs: number;
  turnTimeoutMs: number;
};

// Sessions whose state (turn counter, model, pending Agent calls) is kept; the least recently
// active go first. Far above the number of sessions one machine runs at once.
const MAX_SESSIONS = 1000;
// Ended span keys remembered so a re-sent hook does not start a second span with the same id.
const RECENT_ENDED = 20_000;
// Agent calls waiting for their SubagentStart, per session; parallel launches are a handful.
const MAX_AGENT_CALLS = 64;

// Hook pairs that have a duration outside any tool call: Pre… starts a short span, Post… ends it.
const STEPS: Record<string, { name: string; phase: "start" | "end" }> = {
  PreCompact: { name: "compact", phase: "start" },
  PostCompact: { name: "compact", phase: "end" },
  PreModelSwitch: { name: "model_switch", phase: "start" },
  PostModelSwitch: { name: "model_switch", phase: "end" },
};

const LIFECYCLE = new Set(["SessionStart", "SessionEnd", "Setup"]);

export type SpanMapper = ReturnType<typeof createSpanMapper>;

/**
 * Normalized events → span commands. Deterministic: no clock, no I/O; the wall time passed in
 * only drives timeouts. Holds the open spans (bounded) so it can nest, end and expire them.
 */
export function createSpanMapper(opts: MapperOptions) {
  const open = new Map<string, OpenSpan>();
  const ended = new BoundedMap<string, SpanRef>(RECENT_ENDED);
  const sessions = new Map<string, SessionCtx>();

  function sessionCtx(id: string, out: SpanCommand[]): SessionCtx {
    let ctx = sessions.get(id);
    if (ctx) {
      sessions.delete(id); // re-insert: the Map's order is least recently active first
    } else {
      ctx = createSessionCtx(id);
      if (sessions.size >= MAX_SESSIONS) {
        const oldest = sessions.values().next().value as SessionCtx;
        endAllOf(oldest, "evicted (sessions)", out);
        sessions.delete(oldest.id);
      }
    }
    sessions.set(id, ctx);
    return ctx;
  }

  function refOf(key: string): SpanRef | null {
    const span = open.get(key);
    return span ? { traceId: span.traceId, spanId: span.spanId } : (ended.get(key) ?? null);
  }

  function start(
    out: SpanCommand[],
    ctx: SessionCtx,
    span: Omit<OpenSpan, "lastMs" | "touchedWall" | "permissionAsked" | "spanId"> & { wall: number },
    name: string,
    attributes: Attributes,
  ): OpenSpan {
    if (open.size >= opts.maxOpenSpans) {
      const oldest = open.values().next().value as OpenSpan;
      finish(out, oldest.key, oldest.lastMs, null, "evicted (otel.maxOpenSpans)");
    }
    const parent = span.parentKey ? refOf(span.parentKey) : null;
    const full: OpenSpan = {
      ...span,
      spanId: toSpanId(span.key),
      lastMs: span.startMs,
      touchedWall: span.wall,
      permissionAsked: false,
    };
    open.set(full.key, full);
    ctx.open.push(full.key);
    out.push({
      op: "start",
      key: full.key,
      traceId: full.traceId,
      spanId: full.spanId,
      parentSpanId: parent && parent.traceId === full.traceId ? parent.spanId : null,
      name,
      startMs: full.startMs,
      attributes,
      resource: full.resource,
    });
    return full;
  }

  function finish(out: SpanCommand[], key: string, endMs: number, startMs: number | null, incomplete: string | null) {
    const span = open.get(key);
    if (!span) return;
    if (incomplete) {
      out.push({
        op: "set",
        key,
        attributes: { "spanlight.incomplete": true, "spanlight.incomplete.reason": incomplete },
      });
    }
    const begin = startMs ?? span.startMs;
    out.push({ op: "end", key, endMs: Math.max(endMs, begin), startMs });
    open.delete(key);
    ended.set(key, { traceId: span.traceId, spanId: span.spanId });
    const ctx = sessions.get(span.sessionId);
    if (!ctx) return;
    const i = ctx.open.lastIndexOf(key);
    if (i >= 0) ctx.open.splice(i, 1);
    if (ctx.turnKey === key) ctx.turnKey = null;
  }

  /** Marks a span and its ancestors active (timeouts count from the last activity). */
  function touch(key: string | null, at: number, wall: number) {
    for (
      let span = key ? open.get(key) : undefined;
      span;
      span = span.parentKey ? open.get(span.parentKey) : undefined
    ) {
      span.lastMs = Math.max(span.lastMs, at);
      span.touchedWall = wall;
    }
  }

  function endAllOf(ctx: SessionCtx, reason: string, out: SpanCommand[], at: number | null = null) {
    for (const key of [...ctx.open].reverse()) {
      const span = open.get(key);
      if (span) finish(out, key, at ?? span.lastMs, null, reason);
    }
    ctx.agentCalls = [];
    ctx.steps.clear();
  }

  /** Ends the main-thread spans still open inside a turn (tool calls that never got their Post). */
  function endTurnChildren(ctx: SessionCtx, turn: OpenSpan, at: number, reason: string, out: SpanCommand[]) {
    for (const key of [...ctx.open].reverse()) {
      const span = open.get(key);
      if (span && span !== turn && span.agentCtx === null && span.traceId === turn.traceId) {
        finish(out, key, at, null, reason);
      }
    }
  }

  function resourceOf(e: NormalizedEvent): SpanResource {
    return {
      instanceId: e.containerId ?? e.agentId ?? e.hostName,
      hostName: e.hostName,
      containerId: e.containerId,
      agentId: e.agentId,
    };
  }

  function turnKeyOf(ctx: SessionCtx, promptKey: string): string {
    return `${ctx.id}|turn|${promptKey}`;
  }

  /** The turn a main-thread event belongs to: by prompt id, else the open turn; started implicitly if unseen. */
  function turnOf(out: SpanCommand[], ctx: SessionCtx, e: NormalizedEvent, at: number, wall: number): string {
    const key = e.promptId ? turnKeyOf(ctx, e.promptId) : (ctx.turnKey ?? turnKeyOf(ctx, `#${ctx.turnCount}`));
    if (open.has(key) || ended.has(key)) return key;
    // Spanlight started mid-turn or missed the UserPromptSubmit: a root marked implicit keeps the calls together.
    const promptKey = toPromptKey(e.promptId, ctx.turnCount);
    const turn = start(
      out,
      ctx,
      {
        key,
        role: "turn",
        sessionId: ctx.id,
        traceId: toTurnTraceId(ctx.id, promptKey),
        parentKey: null,
        agentCtx: null,
        startMs: at,
        toolName: null,
        resource: resourceOf(e),
        wall,
      },
      `invoke_agent ${AGENT_NAME}`,
      turnAttributes(e, ctx.turnCount, ctx, true, opts),
    );
    if (!ctx.turnKey) ctx.turnKey = turn.key;
    return key;
  }

  /** Structural parent of a tool call: its subagent's span, else its turn. */
  function callParentOf(out: SpanCommand[], ctx: SessionCtx, e: NormalizedEvent, at: number, wall: number): string {
    if (e.subagentId) {
      const key = `${ctx.id}|agent|${e.subagentId}`;
      if (open.has(key) || ended.has(key)) return key;
    }
    return turnOf(out, ctx, e, at, wall);
  }

  /** The most recently started open span of the event's thread (subagent or main), if any. */
  function innermost(ctx: SessionCtx, agentCtx: string | null): OpenSpan | null {
    for (let i = ctx.open.length - 1; i >= 0; i--) {
      const span = open.get(ctx.open[i]!);
      if (span && span.agentCtx === agentCtx) return span;
    }
    return agentCtx === null ? null : innermost(ctx, null);
  }

  /** A zero-length span in the session's lifecycle trace, for hooks that happen outside any turn. */
  function point(out: SpanCommand[], ctx: SessionCtx, e: NormalizedEvent, at: number, wall: number, attrs: Attributes) {
    const key = `${ctx.id}|point|${e.id}`;
    if (open.has(key) || ended.has(key)) return;
    start(
      out,
      ctx,
      {
        key,
        role: "step",
        sessionId: ctx.id,
        traceId: toLifecycleTraceId(ctx.id),
        parentKey: null,
        agentCtx: e.subagentId,
        startMs: at,
        toolName: null,
        resource: resourceOf(e),
        wall,
      },
      toSnakeCase(e.type),
      { ...sessionAttributes(ctx.id), ...attrs },
    );
    finish(out, key, at, null, null);
  }

  /** Span event on the innermost open span; a lifecycle point span when nothing is open. */
  function hookEvent(out: SpanCommand[], ctx: SessionCtx, e: NormalizedEvent, at: number, wall: number) {
    const attrs = hookEventAttributes(e, opts);
    const target =
      e.type === "PermissionRequest"
        ? (openCallNamed(ctx, e) ?? innermost(ctx, e.subagentId))
        : innermost(ctx, e.subagentId);
    if (!target) return point(out, ctx, e, at, wall, attrs);
    if (e.type === "PermissionRequest" && target.role === "tool") target.permissionAsked = true;
    out.push({ op: "event", key: target.key, name: toSnakeCase(e.type), atMs: at, attributes: attrs });
    touch(target.key, at, wall);
  }

  /** PermissionRequest carries no tool_use_id: the latest open call of that tool in the same thread. */
  function openCallNamed(ctx: SessionCtx, e: NormalizedEvent): OpenSpan | null {
    if (e.toolUseId) return open.get(`${ctx.id}|tool|${e.toolUseId}`) ?? null;
    for (let i = ctx.open.length - 1; i >= 0; i--) {
      const span = open.get(ctx.open[i]!);
      if (span?.role === "tool" && span.toolName === e.toolName && span.agentCtx === e.subagentId) return span;
    }
    return null;
  }

  function onPrompt(out: SpanCommand[], ctx: SessionCtx, e: NormalizedEvent, at: number, wall: number) {
    const promptKey = toPromptKey(e.promptId, ctx.turnCount + 1);
    const key = turnKeyOf(ctx, promptKey);
    if (open.has(key) || ended.has(key)) return; // re-sent hook
    const previous = ctx.turnKey ? open.get(ctx.turnKey) : undefined;
    if (previous) {
      endTurnChildren(ctx, previous, at, "new prompt without Stop", out);
      finish(out, previous.key, at, null, "new prompt without Stop");
    }
    ctx.turnCount++;
    const turn = start(
      out,
      ctx,
      {
        key,
        role: "turn",
        sessionId: ctx.id,
        traceId: toTurnTraceId(ctx.id, promptKey),
        parentKey: null,
        agentCtx: null,
        startMs: at,
        toolName: null,
        resource: resourceOf(e),
        wall,
      },
      `invoke_agent ${AGENT_NAME}`,
      turnAttributes(e, ctx.turnCount, ctx, false, opts),
    );
    ctx.turnKey = turn.key;
  }

  function onStop(out: SpanCommand[], ctx: SessionCtx, e: NormalizedEvent, at: number, wall: number) {
    const key = e.promptId ? turnKeyOf(ctx, e.promptId) : ctx.turnKey;
    const turn = key ? open.get(key) : undefined;
    if (!turn) return;
    endTurnChildren(ctx, turn, at, "turn ended before PostToolUse", out);
    const p = payloadOf(e);
    const attrs: Attributes = {
      "spanlight.turn.outcome": e.type === "Stop" ? "stop" : "stop_failure",
      ...contentAttributes(
        e,
        "last_assistant_message",
        p.last_assistant_message,
        { text: "spanlight.response", length: "spanlight.response.length", hash: "spanlight.response.sha256" },
        opts.capture.prompts,
        opts,
      ),
    };
    if (Array.isArray(p.background_tasks)) attrs["spanlight.background_tasks"] = p.background_tasks.length;
    if (e.type === "StopFailure") {
      const kind = str(p.error) ?? "error";
      attrs["error.type"] = kind;
      out.push({
        op: "event",
        key: turn.key,
        name: "exception",
        atMs: at,
        attributes: {
          "exception.type": kind,
          "exception.message": firstLine(str(p.last_assistant_message) ?? kind, 500),
        },
      });
      out.push({ op: "status", key: turn.key, code: "error", message: kind });
    }
    out.push({ op: "set", key: turn.key, attributes: attrs });
    touch(turn.key, at, wall);
    finish(out, turn.key, at, null, null);
  }

  function onPreTool(out: SpanCommand[], ctx: SessionCtx, e: NormalizedEvent, at: number, wall: number) {
    const key = `${ctx.id}|tool|${e.toolUseId ?? e.id}`;
    if (open.has(key) || ended.has(key)) return;
    startCall(out, ctx, e, key, at, wall);
  }

  function startCall(out: SpanCommand[], ctx: SessionCtx, e: NormalizedEvent, key: string, at: number, wall: number) {
    const parentKey = callParentOf(out, ctx, e, at, wall);
    const parent = refOf(parentKey)!;
    const span = start(
      out,
      ctx,
      {
        key,
        role: "tool",
        sessionId: ctx.id,
        traceId: parent.traceId,
        parentKey,
        agentCtx: e.subagentId,
        startMs: at,
        toolName: e.toolName,
        resource: resourceOf(e),
        wall,
      },
      `execute_tool ${e.toolName ?? "unknown"}`,
      toolStartAttributes(e, opts),
    );
    touch(parentKey, at, wall);
    if (isAgentTool(e.toolName)) {
      const input = payloadOf(e).tool_input;
      const type = input && typeof input === "object" ? str((input as Record<string, unknown>).subagent_type) : null;
      ctx.agentCalls.push({ key, ref: { traceId: span.traceId, spanId: span.spanId }, subagentType: type });
      if (ctx.agentCalls.length > MAX_AGENT_CALLS) ctx.agentCalls.shift();
    }
    return span;
  }

  function onPostTool(out: SpanCommand[], ctx: SessionCtx, e: NormalizedEvent, at: number, wall: number) {
    const key = `${ctx.id}|tool|${e.toolUseId ?? e.id}`;
    if (ended.has(key)) return; // re-sent hook
    // The Pre was missed (not hooked, or before Spanlight started): the call still gets its span.
    const span = open.get(key) ?? startCall(out, ctx, e, key, at - (e.durationMs ?? 0), wall);
    out.push({ op: "set", key, attributes: toolEndAttributes(e, opts) });
    if (e.type === "PostToolUseFailure") {
      const interrupted = payloadOf(e).is_interrupt === true;
      const error = e.error ?? "failed";
      const kind = interrupted ? "interrupted" : "tool_error";
      const message = opts.capture.toolOutput ? error.slice(0, opts.maxAttributeChars) : firstLine(error, 200);
      out.push({ op: "set", key, attributes: { "error.type": kind } });
      out.push({
        op: "event",
        key,
        name: "exception",
        atMs: at,
        attributes: { "exception.type": kind, "exception.message": message },
      });
      out.push({ op: "status", key, code: "error", message: firstLine(error, 200) });
    }
    // duration_ms is the tool's own run time: a call cannot be shorter than that.
    const corrected = e.durationMs !== null && at - span.startMs < e.durationMs ? at - e.durationMs : null;
    touch(span.parentKey, at, wall);
    finish(out, key, at, corrected, null);
  }

  function onPermissionDenied(out: SpanCommand[], ctx: SessionCtx, e: NormalizedEvent, at: number, wall: number) {
    const span = openCallNamed(ctx, e);
    if (!span) return hookEvent(out, ctx, e, at, wall);
    const reason = str(payloadOf(e).reason) ?? "denied";
    out.push({
      op: "event",
      key: span.key,
      name: "permission_denied",
      atMs: at,
      attributes: hookEventAttributes(e, opts),
    });
    out.push({ op: "set", key: span.key, attributes: { "error.type": "permission_denied" } });
    out.push({ op: "status", key: span.key, code: "error", message: firstLine(`permission denied: ${reason}`, 200) });
    touch(span.parentKey, at, wall);
    finish(out, span.key, at, null, null);
  }

  function onSubagentStart(out: SpanCommand[], ctx: SessionCtx, e: NormalizedEvent, at: number, wall: number) {
    const agentId = e.subagentId!;
    const key = `${ctx.id}|agent|${agentId}`;
    if (open.has(key) || ended.has(key)) return;
    const call = matchAgentCall(ctx, e.subagentType);
    const parentKey = call ? call.key : turnOf(out, ctx, { ...e, subagentId: null }, at, wall);
    const parent = call ? call.ref : refOf(parentKey)!;
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
    start(
      out,
      ctx,
      {
        key,
        role: "subagent",
        sessionId: ctx.id,
        traceId: parent.traceId,
        parentKey,
        agentCtx: agentId,
        startMs: at,
        toolName: null,
        resource: resourceOf(e),
        wall,
      },
      `invoke_agent ${type}`,
      attrs,
    );
    touch(parentKey, at, wall);
  }

  /**
   * Claude Code does not say which Agent call started a subagent. Take the oldest unmatched
   * call asking for the same subagent_type, else the oldest unmatched call (launch order).
   */
  function matchAgentCall(ctx: SessionCtx, type: string | null): AgentCall | null {
    const wanted = type || "general-purpose";
    let i = ctx.agentCalls.findIndex((c) => (c.subagentType ?? "general-purpose") === wanted);
    if (i < 0) i = ctx.agentCalls.length > 0 ? 0 : -1;
    return i < 0 ? null : ctx.agentCalls.splice(i, 1)[0]!;
  }

  function onSubagentStop(out: SpanCommand[], ctx: SessionCtx, e: NormalizedEvent, at: number, wall: number) {
    const key = `${ctx.id}|agent|${e.subagentId ?? ""}`;
    const span = open.get(key);
    if (!span) return ended.has(key) ? undefined : hookEvent(out, ctx, e, at, wall);
    for (const k of [...ctx.open].reverse()) {
      const child = open.get(k);
      if (child && child !== span && child.agentCtx === span.agentCtx) {
        finish(out, k, at, null, "subagent stopped before PostToolUse");
      }
    }
    out.push({
      op: "set",
      key,
      attributes: contentAttributes(
        e,
        "last_assistant_message",
        payloadOf(e).last_assistant_message,
        { text: "spanlight.response", length: "spanlight.response.length", hash: "spanlight.response.sha256" },
        opts.capture.prompts,
        opts,
      ),
    });
    touch(span.parentKey, at, wall);
    finish(out, key, at, null, null);
  }

  function onStep(out: SpanCommand[], ctx: SessionCtx, e: NormalizedEvent, at: number, wall: number) {
    const step = STEPS[e.type]!;
    const attrs = hookEventAttributes(e, opts);
    const current = ctx.steps.get(step.name);
    if (step.phase === "end" && current && open.has(current)) {
      out.push({ op: "set", key: current, attributes: attrs });
      ctx.steps.delete(step.name);
      return finish(out, current, at, null, null);
    }
    if (current) finish(out, current, at, null, `${e.type} before the previous step ended`);
    const parent = innermost(ctx, e.subagentId);
    const key = `${ctx.id}|step|${step.name}|${e.id}`;
    if (ended.has(key)) return;
    start(
      out,
      ctx,
      {
        key,
        role: "step",
        sessionId: ctx.id,
        traceId: parent ? parent.traceId : toLifecycleTraceId(ctx.id),
        parentKey: parent?.key ?? null,
        agentCtx: e.subagentId,
        startMs: at,
        toolName: null,
        resource: resourceOf(e),
        wall,
      },
      step.name,
      { ...sessionAttributes(ctx.id), ...attrs },
    );
    touch(parent?.key ?? null, at, wall);
    // A Post… without its Pre is a zero-length span.
    if (step.phase === "end") finish(out, key, at, null, null);
    else ctx.steps.set(step.name, key);
  }

  function map(e: NormalizedEvent, wall: number): SpanCommand[] {
    if (e.source !== "claude-code-hook" || !e.sessionId) return [];
    const out: SpanCommand[] = [];
    const parsed = Date.parse(e.sourceTime ?? e.receivedAt);
    const at = Number.isFinite(parsed) ? parsed : wall;
    const ctx = sessionCtx(e.sessionId, out);
    if (e.cwd && !e.subagentId) ctx.cwd = e.cwd;
    const mode = str(payloadOf(e).permission_mode);
    if (mode && !e.subagentId) ctx.permissionMode = mode;
    if (e.model) ctx.model = e.model;
    switch (e.type) {
      case "UserPromptSubmit":
        onPrompt(out, ctx, e, at, wall);
        break;
      case "Stop":
      case "StopFailure":
        if (e.subagentId) hookEvent(out, ctx, e, at, wall);
        else onStop(out, ctx, e, at, wall);
        break;
      case "PreToolUse":
        onPreTool(out, ctx, e, at, wall);
        break;
      case "PostToolUse":
      case "PostToolUseFailure":
        onPostTool(out, ctx, e, at, wall);
        break;
      case "PostToolBatch":
        toolBatchCommands(e, {
          isKnown: (id) => open.has(`${ctx.id}|tool|${id}`) || ended.has(`${ctx.id}|tool|${id}`),
          openCall: (id) => open.get(`${ctx.id}|tool|${id}`) ?? null,
          startCall: (synthetic, key) => startCall(out, ctx, synthetic, key, at, wall),
          finish: (key, incomplete) => finish(out, key, at, null, incomplete),
          emit: (cmd) => out.push(cmd),
          keyOf: (id) => `${ctx.id}|tool|${id}`,
        });
        break;
      case "PermissionDenied":
        onPermissionDenied(out, ctx, e, at, wall);
        break;
      case "SubagentStart":
        if (e.subagentId) onSubagentStart(out, ctx, e, at, wall);
        else hookEvent(out, ctx, e, at, wall);
        break;
      case "SubagentStop":
        onSubagentStop(out, ctx, e, at, wall);
        break;
      case "PreCompact":
      case "PostCompact":
      case "PreModelSwitch":
      case "PostModelSwitch":
        onStep(out, ctx, e, at, wall);
        break;
      default:
        if (LIFECYCLE.has(e.type)) {
          if (e.type === "SessionEnd") endAllOf(ctx, "session ended", out, at);
          point(out, ctx, e, at, wall, hookEventAttributes(e, opts));
        } else {
          hookEvent(out, ctx, e, at, wall);
        }
    }
    return out;
  }

  /** Ends spans idle past their timeout, at the time of the last event seen in them. */
  function sweep(wall: number): SpanCommand[] {
    const out: SpanCommand[] = [];
    for (const span of [...open.values()]) {
      if (!open.has(span.key)) continue;
      const limit = timeoutOf(span.role);
      if (wall - span.touchedWall > limit) finish(out, span.key, span.lastMs, null, "timeout");
    }
    return out;
  }

  function timeoutOf(role: SpanRole): number {
    return role === "tool" || role === "step" ? opts.toolTimeoutMs : opts.turnTimeoutMs;
  }

  /** Ends every open span (shutdown): marked incomplete with the reason. */
  function endAll(reason: string): SpanCommand[] {
    const out: SpanCommand[] = [];
    for (const ctx of sessions.values()) endAllOf(ctx, reason, out);
    return out;
  }

  return { map, sweep, endAll, openCount: () => open.size };
}
