import type { NormalizedEvent } from "../src/schema/mod.ts";
import {
  BoundedMap,
  createSessionCtx,
  type OpenSpan,
  type SessionCtx,
  type SpanRef,
  setCurrentTurn,
} from "./open-spans.ts";
import { AGENT_NAME, type AttributeOptions, turnAttributes } from "./span-attributes.ts";
import type { Attributes, SpanCommand, SpanResource } from "./span-command.ts";
import { toPromptKey, toSpanId, toTurnTraceId } from "./span-ids.ts";

export type MapperOptions = AttributeOptions & {
  maxOpenSpans: number;
  toolTimeoutMs: number;
  turnTimeoutMs: number;
  /**
   * Salts the ids of spans rebuilt from an event in their middle (an implicit turn, a call from its
   * Post): a restarted server must not export a second span under an id the one before it already
   * used (ended as incomplete at its shutdown). Random per mapper unless given (tests).
   */
  rebuildSalt?: string;
};

// Sessions whose state (turn counter, model, pending Agent calls) is kept; the least recently
// active go first. Far above the number of sessions one machine runs at once. Each agent that posts
// TelemetryEvents in a session has a context of its own beside the session's (telemetry-spans.ts),
// so an agent run without a sessionId takes two: room for 2,000 such runs at once.
const MAX_SESSIONS = 4000;
// Ended span keys (and event ids) remembered so a re-sent hook cannot start a second span.
const RECENT_ENDED = 20_000;

/** Hooks that open and close a session's process; they never belong to a turn. */
export const LIFECYCLE = new Set(["SessionStart", "SessionEnd", "Setup"]);

export type StartSpec = Omit<OpenSpan, "lastMs" | "touchedWall" | "permissionAsked" | "spanId" | "sessionId"> & {
  name: string;
  attributes: Attributes;
  /** Started from an event in the span's middle, not its own start (see MapperOptions.rebuildSalt). */
  rebuilt?: boolean;
};

export type MapperCore = ReturnType<typeof createMapperCore>;

/**
 * The mapper's state and primitives: open spans (bounded), recently ended ones (so children and
 * re-sent hooks can refer to them), sessions, and the commands emitted by the current call.
 * Single-threaded and synchronous: `begin` starts a call, `drain` hands its commands out.
 */
export function createMapperCore(opts: MapperOptions) {
  const open = new Map<string, OpenSpan>();
  const ended = new BoundedMap<string, SpanRef>(RECENT_ENDED);
  const sessions = new Map<string, SessionCtx>();
  const seen = new BoundedMap<string, true>(RECENT_ENDED);
  const salt = opts.rebuildSalt ?? Math.random().toString(36).slice(2);
  let out: SpanCommand[] = [];
  let wall = 0;

  function begin(now: number): void {
    out = [];
    wall = now;
  }

  function drain(): SpanCommand[] {
    const cmds = out;
    out = [];
    return cmds;
  }

  function emit(cmd: SpanCommand): void {
    out.push(cmd);
  }

  function sessionCtx(id: string): SessionCtx {
    let ctx = sessions.get(id);
    if (ctx) {
      sessions.delete(id); // re-insert: the Map's order is least recently active first
    } else {
      ctx = createSessionCtx(id);
      if (sessions.size >= MAX_SESSIONS) {
        const oldest = sessions.values().next().value as SessionCtx;
        endAllOf(oldest, "evicted (sessions)");
        sessions.delete(oldest.id);
      }
    }
    sessions.set(id, ctx);
    return ctx;
  }

  function isKnown(key: string): boolean {
    return open.has(key) || ended.has(key);
  }

  function refOf(key: string): SpanRef | null {
    const span = open.get(key);
    return span ? { traceId: span.traceId, spanId: span.spanId } : (ended.get(key) ?? null);
  }

  function start(ctx: SessionCtx, spec: StartSpec): OpenSpan {
    if (open.size >= opts.maxOpenSpans) {
      const oldest = open.values().next().value as OpenSpan;
      finish(oldest.key, oldest.lastMs, null, "evicted (otel.maxOpenSpans)");
    }
    const parent = spec.parentKey ? refOf(spec.parentKey) : null;
    // Fields copied one by one: object rest/spread is a slow path on this hot line.
    const span: OpenSpan = {
      key: spec.key,
      role: spec.role,
      sessionId: ctx.id,
      traceId: spec.traceId,
      spanId: toSpanId(spec.rebuilt ? `${spec.key}|${salt}` : spec.key),
      parentKey: spec.parentKey,
      agentCtx: spec.agentCtx,
      startMs: spec.startMs,
      lastMs: spec.startMs,
      touchedWall: wall,
      toolName: spec.toolName,
      permissionAsked: false,
      resource: spec.resource,
    };
    open.set(span.key, span);
    ctx.open.push(span.key);
    emit({
      op: "start",
      key: span.key,
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: parent && parent.traceId === span.traceId ? parent.spanId : null,
      name: spec.name,
      startMs: span.startMs,
      attributes: spec.attributes,
      resource: span.resource,
    });
    return span;
  }

  /** Ends an open span; `startMs` corrects its start, `incomplete` says why it ended without its own hook. */
  function finish(key: string, endMs: number, startMs: number | null, incomplete: string | null): void {
    const span = open.get(key);
    if (!span) return;
    if (incomplete) {
      emit({ op: "set", key, attributes: { "spanlight.incomplete": true, "spanlight.incomplete.reason": incomplete } });
    }
    // span.startMs can have moved back since the span started (a TelemetryEvent run covering a
    // call reported later): the end carries the correction whoever ends it, a timeout included.
    const begin = startMs ?? span.startMs;
    emit({ op: "end", key, endMs: Math.max(endMs, begin), startMs: begin });
    open.delete(key);
    ended.set(key, { traceId: span.traceId, spanId: span.spanId });
    const ctx = sessions.get(span.sessionId);
    if (!ctx) return;
    const i = ctx.open.lastIndexOf(key);
    if (i >= 0) ctx.open.splice(i, 1);
    if (ctx.turnKey === key) ctx.turnKey = null;
  }

  /** Marks a span and its ancestors active: timeouts count from the last activity. */
  function touch(key: string | null, at: number): void {
    for (
      let span = key ? open.get(key) : undefined;
      span;
      span = span.parentKey ? open.get(span.parentKey) : undefined
    ) {
      span.lastMs = Math.max(span.lastMs, at);
      span.touchedWall = wall;
    }
  }

  function endAllOf(ctx: SessionCtx, reason: string, at: number | null = null): void {
    for (const key of [...ctx.open].reverse()) {
      const span = open.get(key);
      if (span) finish(key, at ?? span.lastMs, null, reason);
    }
    ctx.agentCalls = [];
    ctx.steps.clear();
  }

  /** Ends what is still open below `owner` in its own thread (calls that never got their Post). */
  function endChildren(ctx: SessionCtx, owner: OpenSpan, at: number, reason: string): void {
    for (const key of [...ctx.open].reverse()) {
      const span = open.get(key);
      if (span && span !== owner && span.agentCtx === owner.agentCtx && span.traceId === owner.traceId) {
        finish(key, at, null, reason);
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
  function turnOf(ctx: SessionCtx, e: NormalizedEvent, at: number): string {
    const key = e.promptId ? turnKeyOf(ctx, e.promptId) : (ctx.turnKey ?? turnKeyOf(ctx, `#${ctx.turnCount}`));
    if (isKnown(key)) return key;
    // Spanlight started mid-turn or missed the UserPromptSubmit: an implicit root keeps the calls together.
    const turn = start(ctx, {
      key,
      role: "turn",
      traceId: toTurnTraceId(ctx.id, toPromptKey(e.promptId, ctx.turnCount)),
      parentKey: null,
      agentCtx: null,
      startMs: at,
      toolName: null,
      resource: resourceOf(e),
      name: `invoke_agent ${AGENT_NAME}`,
      attributes: turnAttributes(e, ctx.turnCount, ctx, true, opts),
      rebuilt: true,
    });
    if (ctx.turnKey === null) setCurrentTurn(ctx, turn.key, e.promptId);
    return key;
  }

  /** The most recently started open span of a thread (a subagent, or the main thread), if any. */
  function innermost(ctx: SessionCtx, agentCtx: string | null): OpenSpan | null {
    for (let i = ctx.open.length - 1; i >= 0; i--) {
      const span = open.get(ctx.open[i]!);
      if (span && span.agentCtx === agentCtx) return span;
    }
    return agentCtx === null ? null : innermost(ctx, null);
  }

  /** True the first time an event id is seen: the same id again is a redelivery (spool retry, import). */
  function firstSight(id: string): boolean {
    if (seen.has(id)) return false;
    seen.set(id, true);
    return true;
  }

  return {
    opts,
    open,
    sessions,
    begin,
    drain,
    emit,
    sessionCtx,
    isKnown,
    refOf,
    start,
    finish,
    touch,
    endAllOf,
    endChildren,
    resourceOf,
    turnKeyOf,
    turnOf,
    innermost,
    firstSight,
  };
}
