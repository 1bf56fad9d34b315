import type { NormalizedEvent } from "../src/schema/mod.ts";
import { contentAttributes } from "./content-attributes.ts";
import type { MapperCore } from "./mapper-core.ts";
import { type SessionCtx, setCurrentTurn } from "./open-spans.ts";
import {
  AGENT_NAME,
  firstLine,
  hookEventAttributes,
  payloadOf,
  sessionAttributes,
  str,
  turnAttributes,
} from "./span-attributes.ts";
import type { Attributes } from "./span-command.ts";
import { toLifecycleTraceId, toPromptKey, toTurnTraceId } from "./span-ids.ts";

/** UserPromptSubmit: the root span of a new trace; a previous turn still open never got its Stop. */
export function onPrompt(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent, at: number): void {
  const promptKey = toPromptKey(e.promptId, ctx.turnCount + 1);
  const key = core.turnKeyOf(ctx, promptKey);
  if (core.isKnown(key)) return; // re-sent hook
  const previous = ctx.turnKey ? core.open.get(ctx.turnKey) : undefined;
  if (previous) {
    core.endChildren(ctx, previous, at, "new prompt without Stop");
    core.finish(previous.key, at, null, "new prompt without Stop");
  }
  ctx.turnCount++;
  const turn = core.start(ctx, {
    key,
    role: "turn",
    traceId: toTurnTraceId(ctx.id, promptKey),
    parentKey: null,
    agentCtx: null,
    startMs: at,
    toolName: null,
    resource: core.resourceOf(e),
    name: `invoke_agent ${AGENT_NAME}`,
    attributes: turnAttributes(e, ctx.turnCount, ctx, false, core.opts),
  });
  setCurrentTurn(ctx, turn.key, e.promptId);
}

/**
 * Claude Code's own `api_request` names the model its turn runs on (hooks name it only at
 * SessionStart and a switch). OTLP logs come in batches seconds late, often after the turn's Stop,
 * so a request of the turn before can land after the next prompt: its model goes only to the turn
 * its prompt.id names, and to the next turn only when that is the latest one.
 */
export function onApiRequest(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent): void {
  const model = e.model!;
  const latest = ctx.modelTurn;
  // The request names no turn, no turn was seen yet, or the hooks number their turns: the open one it is.
  const named = e.promptId && latest?.promptId ? core.turnKeyOf(ctx, e.promptId) : null;
  if (named === null || named === latest?.key) {
    if (model === ctx.model) return;
    ctx.model = model;
  }
  const key = named ?? ctx.turnKey;
  if (key && core.open.has(key)) core.emit({ op: "set", key, attributes: { "gen_ai.request.model": model } });
}

/** Stop / StopFailure: ends the turn (and main-thread calls left open); background subagents go on. */
export function onStop(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent, at: number): void {
  const key = e.promptId ? core.turnKeyOf(ctx, e.promptId) : ctx.turnKey;
  const turn = key ? core.open.get(key) : undefined;
  if (!turn) return;
  core.endChildren(ctx, turn, at, "turn ended before PostToolUse");
  const p = payloadOf(e);
  const attrs: Attributes = {
    "spanlight.turn.outcome": e.type === "Stop" ? "stop" : "stop_failure",
    ...responseAttributes(core, e),
  };
  if (Array.isArray(p.background_tasks)) attrs["spanlight.background_tasks"] = p.background_tasks.length;
  if (e.type === "StopFailure") {
    const kind = str(p.error) ?? "error";
    attrs["error.type"] = kind;
    core.emit({
      op: "event",
      key: turn.key,
      name: "exception",
      atMs: at,
      attributes: {
        "exception.type": kind,
        // On StopFailure this is Claude Code's own error text (the model produced nothing).
        "exception.message": firstLine(str(p.last_assistant_message) ?? kind, 500),
      },
    });
    core.emit({ op: "status", key: turn.key, code: "error", message: kind });
  }
  core.emit({ op: "set", key: turn.key, attributes: attrs });
  core.finish(turn.key, at, null, null);
}

/** The model's final answer: its size and hash, the text only with otel.capture.prompts. */
export function responseAttributes(core: MapperCore, e: NormalizedEvent): Attributes {
  return contentAttributes(
    e,
    "last_assistant_message",
    payloadOf(e).last_assistant_message,
    { text: "spanlight.response", length: "spanlight.response.length", hash: "spanlight.response.sha256" },
    core.opts.capture.prompts,
    core.opts,
  );
}

// Hook pairs with a duration outside any tool call: Pre… starts a short span, Post… ends it.
export const STEPS: Record<string, { name: string; phase: "start" | "end" }> = {
  PreCompact: { name: "compact", phase: "start" },
  PostCompact: { name: "compact", phase: "end" },
  PreModelSwitch: { name: "model_switch", phase: "start" },
  PostModelSwitch: { name: "model_switch", phase: "end" },
};

/** PreCompact → PostCompact, PreModelSwitch → PostModelSwitch: a short span under whatever is open. */
export function onStep(core: MapperCore, ctx: SessionCtx, e: NormalizedEvent, at: number): void {
  const step = STEPS[e.type]!;
  const attrs = hookEventAttributes(e, core.opts);
  const current = ctx.steps.get(step.name);
  if (step.phase === "end" && current && core.open.has(current)) {
    core.emit({ op: "set", key: current, attributes: attrs });
    ctx.steps.delete(step.name);
    core.finish(current, at, null, null);
    return;
  }
  if (current) core.finish(current, at, null, `${e.type} before the previous step ended`);
  const key = `${ctx.id}|step|${step.name}|${e.id}`;
  if (core.isKnown(key)) return;
  const parent = core.innermost(ctx, e.subagentId);
  core.start(ctx, {
    key,
    role: "step",
    traceId: parent ? parent.traceId : toLifecycleTraceId(ctx.id),
    parentKey: parent?.key ?? null,
    agentCtx: e.subagentId,
    startMs: at,
    toolName: null,
    resource: core.resourceOf(e),
    name: step.name,
    attributes: { ...sessionAttributes(ctx.id), ...attrs },
  });
  core.touch(parent?.key ?? null, at);
  // A Post… without its Pre is a zero-length span.
  if (step.phase === "end") core.finish(key, at, null, null);
  else ctx.steps.set(step.name, key);
}
