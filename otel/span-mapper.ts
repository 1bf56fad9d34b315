import { eventIdentity } from "../src/schema/event-identity.ts";
import type { NormalizedEvent } from "../src/schema/mod.ts";
import { hookEvent, point } from "./hook-events.ts";
import { createMapperCore, LIFECYCLE, type MapperOptions } from "./mapper-core.ts";
import type { SpanRole } from "./open-spans.ts";
import { hookEventAttributes, payloadOf, str } from "./span-attributes.ts";
import type { SpanCommand } from "./span-command.ts";
import { onSubagentStart, onSubagentStop, rebuildSubagent } from "./subagent-hooks.ts";
import { onTelemetryEvent } from "./telemetry-spans.ts";
import { onPermissionDenied, onPostTool, onPreTool, onToolBatch } from "./tool-hooks.ts";
import { onApiRequest, onPrompt, onStep, onStop } from "./turn-hooks.ts";

export type { MapperOptions } from "./mapper-core.ts";
export type SpanMapper = ReturnType<typeof createSpanMapper>;

/**
 * Whether the mapper looks at an event at all: hook and TelemetryEvents of a session (OTLP events
 * come with spans of their own), and Claude Code's `api_request`, for the model a turn runs on.
 */
export function isMappable(e: NormalizedEvent): boolean {
  if (e.sessionId === null || e.sessionId === "") return false;
  return (
    e.source === "claude-code-hook" ||
    e.source === "telemetry" ||
    (e.source === "otlp" && e.type === "claude_code.api_request" && e.model !== null && turnsRequest(e))
  );
}

/**
 * A request that runs the turn itself: the main thread's (`sdk`, `repl_main_thread`), not a
 * subagent's, nor a side request (`auxiliary`, `compact`), which often uses a smaller model.
 */
function turnsRequest(e: NormalizedEvent): boolean {
  if (e.subagentId !== null) return false;
  const source = str(payloadOf(e).query_source);
  return source === null || source === "sdk" || source === "repl_main_thread";
}

/**
 * Normalized events → span commands (docs/otel-mapping.md has the table). Deterministic: no
 * clock and no I/O; the wall time passed in only drives timeouts. Span times come from the
 * events (X-Spanlight-Time when the hook was spooled, else the arrival time).
 */
export function createSpanMapper(opts: MapperOptions) {
  const core = createMapperCore(opts);

  function dispatch(e: NormalizedEvent, at: number): void {
    const ctx = core.sessionCtx(e.sessionId!);
    if (e.source === "telemetry") {
      onTelemetryEvent(core, ctx, e, at);
      return;
    }
    if (e.source === "otlp") {
      onApiRequest(core, ctx, e);
      return;
    }
    if (e.cwd && !e.subagentId) ctx.cwd = e.cwd;
    const mode = str(payloadOf(e).permission_mode);
    if (mode && !e.subagentId) ctx.permissionMode = mode;
    if (e.model) {
      ctx.model = e.model;
      // Named between turns (a switch, a resume): the late requests of the turn before are older news.
      if (ctx.turnKey === null && ctx.modelTurn) ctx.modelTurn = { key: null, promptId: ctx.modelTurn.promptId };
    }
    rebuildSubagent(core, ctx, e, at);
    switch (e.type) {
      case "UserPromptSubmit":
        onPrompt(core, ctx, e, at);
        break;
      case "Stop":
      case "StopFailure":
        if (e.subagentId) hookEvent(core, ctx, e, at);
        else onStop(core, ctx, e, at);
        break;
      case "PreToolUse":
        onPreTool(core, ctx, e, at);
        break;
      case "PostToolUse":
      case "PostToolUseFailure":
        onPostTool(core, ctx, e, at);
        break;
      case "PostToolBatch":
        onToolBatch(core, ctx, e, at);
        break;
      case "PermissionDenied":
        onPermissionDenied(core, ctx, e, at);
        break;
      case "SubagentStart":
        if (e.subagentId) onSubagentStart(core, ctx, e, at);
        else hookEvent(core, ctx, e, at);
        break;
      case "SubagentStop":
        onSubagentStop(core, ctx, e, at);
        break;
      case "MessageDisplay":
        // Assistant text as it streams: content, possibly many per turn, and already summed up by
        // Stop's spanlight.response.*. Only a sign of life (below).
        break;
      case "PreCompact":
      case "PostCompact":
      case "PreModelSwitch":
      case "PostModelSwitch":
        onStep(core, ctx, e, at);
        break;
      default:
        if (LIFECYCLE.has(e.type)) {
          if (e.type === "SessionEnd") core.endAllOf(ctx, "session ended", at);
          point(core, ctx, e, at, hookEventAttributes(e, opts));
        } else {
          hookEvent(core, ctx, e, at);
        }
    }
    // Any hook from a thread is a sign of life for what is open there (PostToolBatch, MessageDisplay, …).
    core.touch(core.innermost(ctx, e.subagentId)?.key ?? null, at);
  }

  function map(e: NormalizedEvent, wall: number): SpanCommand[] {
    if (!isMappable(e) || !core.firstSight(eventIdentity(e))) return [];
    const parsed = Date.parse(e.sourceTime ?? e.receivedAt);
    core.begin(wall);
    dispatch(e, Number.isFinite(parsed) ? parsed : wall);
    return core.drain();
  }

  function timeoutOf(role: SpanRole): number {
    return role === "tool" || role === "step" ? opts.toolTimeoutMs : opts.turnTimeoutMs;
  }

  /** Ends spans idle past their timeout, at the time of the last event seen in them. */
  function sweep(wall: number): SpanCommand[] {
    core.begin(wall);
    for (const span of [...core.open.values()]) {
      if (core.open.has(span.key) && wall - span.touchedWall > timeoutOf(span.role)) {
        core.finish(span.key, span.lastMs, null, "timeout");
      }
    }
    return core.drain();
  }

  /** Ends every open span, marked incomplete with the reason (shutdown). */
  function endAll(reason: string): SpanCommand[] {
    core.begin(0);
    for (const ctx of core.sessions.values()) core.endAllOf(ctx, reason);
    return core.drain();
  }

  return { map, sweep, endAll, openCount: () => core.open.size };
}
