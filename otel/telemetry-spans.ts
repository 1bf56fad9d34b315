import type { NormalizedEvent } from "../src/schema/mod.ts";
import { cap, contentAttributes } from "./content-attributes.ts";
import type { MapperCore } from "./mapper-core.ts";
import type { OpenSpan, SessionCtx } from "./open-spans.ts";
import { payloadOf, sessionAttributes, str, toSnakeCase } from "./span-attributes.ts";
import type { Attributes } from "./span-command.ts";
import { toTurnTraceId } from "./span-ids.ts";
import { emitFailure } from "./tool-hooks.ts";

// TelemetryEvents (POST /telemetry, other agents) as traces, the same shape as Claude Code's:
// one trace per run (agent_start → agent_complete / agent_error), rooted in `invoke_agent
// {agentId}`, with an `execute_tool {toolName}` span per tool_call / bash_command. The envelope
// reports a call once it is over, so each tool span is whole at once: it ends at the event's
// time and starts `durationMs` before (0 when unsaid). Steps, usage and other events become
// span events on the run. Content follows otel.capture.* as for hooks.
//
// A report that comes after its run ended (a usage total sent after agent_complete, a batch
// delivered out of order) belongs to that run, as it does in the store: started as a new
// implicit run, it made a second trace of one session, with a root that only the turn timeout
// or shutdown ended. So it goes into the ended run's trace: a tool call as a child ending after
// its parent (as background subagents do), anything else as a zero-length child span.
//
// Runs are kept per agent (an agentId within a containerId, as in the store): several agents may
// post under one sessionId (a workflow's), and one agent's start, calls or end must not end,
// adopt or end another's run. Event ids are unique per agent only, so span keys name the agent.

const TOOL_TYPES = new Set(["tool_call", "bash_command"]);

function field(e: NormalizedEvent, key: string): unknown {
  return payloadOf(e)[key];
}

function startsRun(e: NormalizedEvent): boolean {
  return e.type === "agent_start" || field(e, "lifecycleStage") === "start";
}

function endsRun(e: NormalizedEvent): "ok" | "error" | null {
  const stage = field(e, "lifecycleStage");
  if (e.type === "agent_error" || stage === "error") return "error";
  return e.type === "agent_complete" || stage === "finalized" ? "ok" : null;
}

type Usage = { inputTokens: number; outputTokens: number; estimatedCostUsd: number; model: string };

/** The envelope's tokenUsage (validated at ingest), read from the payload as the worker gets it. */
function usageOf(e: NormalizedEvent): Usage | null {
  const u = field(e, "tokenUsage");
  return u && typeof u === "object" && typeof (u as Usage).inputTokens === "number" ? (u as Usage) : null;
}

function runAttributes(e: NormalizedEvent, index: number, implicit: boolean, maxChars: number): Attributes {
  const out: Attributes = {
    "gen_ai.operation.name": "invoke_agent",
    "gen_ai.agent.name": cap(e.agentId ?? "agent", maxChars),
    ...sessionAttributes(e.sessionId ?? ""),
    "spanlight.turn.index": index,
    "spanlight.source": "telemetry",
  };
  // From the envelope: the export worker is handed events without their dashboard-only fields.
  const workflow = str(field(e, "workflowId"));
  const node = str(field(e, "nodeId"));
  if (workflow) out["spanlight.workflow.id"] = cap(workflow, maxChars);
  if (node) out["spanlight.node.id"] = cap(node, maxChars);
  if (implicit) out["spanlight.turn.implicit"] = true;
  return out;
}

/** One agent's runs in a session; `ctx` holds their spans, apart from the hooks' turns of the session. */
type AgentRuns = {
  ctx: SessionCtx;
  open: string | null;
  /** The agent's latest run that ended, and when an event ended it (null: a timeout or eviction did). */
  ended: string | null;
  endedMs: number | null;
};

// By the agent's own ctx, which the core evicts and ends like a session's: its runs go with it.
const agentRuns = new WeakMap<SessionCtx, AgentRuns>();

function runsOf(core: MapperCore, session: SessionCtx, e: NormalizedEvent): AgentRuns {
  const ctx = core.sessionCtx(`${session.id}\u0000${e.agentId ?? ""}\u0000${e.containerId ?? ""}`);
  let runs = agentRuns.get(ctx);
  if (!runs) {
    runs = { ctx, open: null, ended: null, endedMs: null };
    agentRuns.set(ctx, runs);
  }
  if (runs.open !== null && !core.open.has(runs.open)) {
    runs.ended = runs.open;
    runs.endedMs = null;
    runs.open = null;
  }
  return runs;
}

/** Ends a run, at its earliest call's start when one began before the run did (see toolCall). */
function endRun(core: MapperCore, runs: AgentRuns, run: OpenSpan, at: number, incomplete: string | null): void {
  // In a session the agent names, a report timed before this may be late for it (lateRunOf).
  runs.ended = run.key;
  runs.endedMs = Math.max(at, run.startMs);
  runs.open = null;
  core.finish(run.key, at, run.startMs, incomplete);
}

/**
 * The ended run a report that is not a start belongs to, else null. Without `sessionId` in the
 * envelope the session is one run (src/store/agent-runs.ts), so anything after its end is late.
 * A session the agent names can hold many runs, and an agent may send no starts at all: there a
 * report is late when it is timed no later than the run's end (also once the next run is open),
 * and an end that finds no run open (`finalized` after `error`), or a report of no work while none
 * is open (a usage total after `agent_complete`), belongs to the run before too.
 */
function lateRunOf(core: MapperCore, runs: AgentRuns, e: NormalizedEvent, at: number): string | null {
  if (runs.ended === null || startsRun(e) || !core.refOf(runs.ended)) return null;
  // Timed within the open run, it is that run's, also at the very moment the last one ended
  // (second-precision clocks end one run and start the next within the same second).
  const open = runs.open === null ? undefined : core.open.get(runs.open);
  if (open && at >= open.startMs && (runs.endedMs === null || at >= runs.endedMs)) return null;
  if (runs.endedMs !== null && at <= runs.endedMs) return runs.ended;
  if (runs.open !== null) return null;
  // A report of no work of its own (a usage total, a custom event) opens no run: it is the last one's.
  const work = TOOL_TYPES.has(e.type) || field(e, "lifecycleStage") !== undefined;
  return field(e, "sessionId") === undefined || endsRun(e) !== null || !work ? runs.ended : null;
}

/** The agent's open run; a new one when `e` starts a run or none is open (started at `startMs`). */
function runOf(core: MapperCore, session: SessionCtx, runs: AgentRuns, e: NormalizedEvent, startMs: number): string {
  const starts = startsRun(e);
  if (runs.open !== null && !starts) return runs.open;
  if (runs.open !== null) endRun(core, runs, core.open.get(runs.open)!, startMs, "new run without agent_complete");
  // Numbered across the session's agents: each run's trace id stays its own.
  const n = ++session.runCount;
  const key = `${session.id}|run|${n}`;
  core.start(runs.ctx, {
    key,
    role: "turn",
    traceId: toTurnTraceId(session.id, `run-${n}`),
    parentKey: null,
    agentCtx: null,
    startMs,
    toolName: null,
    resource: core.resourceOf(e),
    name: `invoke_agent ${e.agentId ?? "agent"}`,
    attributes: runAttributes(e, n, !starts, core.opts.maxAttributeChars),
  });
  runs.open = key;
  return key;
}

function exitCodeOf(e: NormalizedEvent): number | null {
  const code = field(e, "commandExitCode") ?? field(e, "toolExitCode");
  return typeof code === "number" ? code : null;
}

function toolCall(
  core: MapperCore,
  session: SessionCtx,
  runs: AgentRuns,
  e: NormalizedEvent,
  at: number,
  late: string | null,
): void {
  const { opts } = core;
  const startMs = at - (e.durationMs ?? 0);
  const parent = late ?? runOf(core, session, runs, e, startMs);
  // Calls are reported when done: one that ran longer than those before it began before an
  // implicit run's start (its first report). The run covers its calls, so its start moves back.
  const run = core.open.get(parent);
  if (run && startMs < run.startMs) run.startMs = startMs;
  const key = `${runs.ctx.id}|tool|${e.id}`;
  const toolName = e.toolName ?? "unknown";
  const attributes: Attributes = {
    "gen_ai.operation.name": "execute_tool",
    "gen_ai.tool.name": toolName,
    "gen_ai.tool.type": "function",
    "gen_ai.tool.call.id": e.id,
    ...sessionAttributes(session.id),
  };
  const paths = e.filePaths.map((path) => cap(path, opts.maxAttributeChars));
  if (paths.length > 0) attributes["file.path"] = paths[0]!;
  if (paths.length > 1) attributes["spanlight.tool.file_paths"] = paths.slice(0, 32);
  const input = str(field(e, "toolInputSummary")) ? "toolInputSummary" : "command";
  const names = { text: "gen_ai.tool.call.arguments", length: "spanlight.tool.input.length" };
  Object.assign(
    attributes,
    contentAttributes(
      e,
      input,
      field(e, input),
      { ...names, hash: "spanlight.tool.input.sha256" },
      opts.capture.toolInput,
      opts,
    ),
    contentAttributes(
      e,
      "toolResultSummary",
      field(e, "toolResultSummary"),
      { text: "gen_ai.tool.call.result", length: "spanlight.tool.output.length", hash: "spanlight.tool.output.sha256" },
      opts.capture.toolOutput,
      opts,
    ),
  );
  if (e.command && opts.capture.toolInput) attributes["process.command_line"] = cap(e.command, opts.maxAttributeChars);
  const exit = exitCodeOf(e);
  if (exit !== null) attributes["process.exit.code"] = exit;
  if (e.durationMs !== null) attributes["spanlight.tool.duration_ms"] = e.durationMs;
  core.start(runs.ctx, {
    key,
    role: "tool",
    traceId: core.refOf(parent)!.traceId,
    parentKey: parent,
    agentCtx: null,
    startMs,
    toolName,
    resource: core.resourceOf(e),
    name: `execute_tool ${toolName}`,
    attributes,
  });
  if (e.error !== null) emitFailure(core, key, e.error, "tool_error", at);
  // The call's tokenUsage counts as any event's: on the run, or on the call once the run has ended.
  if (usageOf(e)) {
    if (core.open.has(parent)) runEvent(core, parent, e, at);
    else core.emit({ op: "event", key, name: "usage", atMs: at, attributes: reportOf(e).attributes });
  }
  core.touch(parent, at);
  core.finish(key, at, null, null);
}

/** A step, usage or other report as a span event: names, numbers and the model; no text. */
function reportOf(e: NormalizedEvent): { name: string; attributes: Attributes; model: string | null } {
  const attributes: Attributes = { "spanlight.event.type": cap(e.type, 128) };
  const stage = str(field(e, "lifecycleStage"));
  const index = field(e, "stepIndex");
  const step = str(field(e, "stepName"));
  if (stage) attributes["spanlight.lifecycle.stage"] = stage;
  if (typeof index === "number") attributes["spanlight.step.index"] = index;
  if (step) attributes["spanlight.step.name"] = cap(step, 256);
  const usage = usageOf(e);
  const model = usage ? str(usage.model) : null;
  if (usage) {
    attributes["gen_ai.usage.input_tokens"] = usage.inputTokens;
    attributes["gen_ai.usage.output_tokens"] = usage.outputTokens;
    attributes["spanlight.cost.usd"] = usage.estimatedCostUsd;
    if (model) attributes["gen_ai.request.model"] = cap(model, 256);
  }
  const name = usage ? "usage" : stage ? `lifecycle_${toSnakeCase(stage)}` : toSnakeCase(e.type);
  return { name, attributes, model: model ? cap(model, 256) : null };
}

function runEvent(core: MapperCore, run: string, e: NormalizedEvent, at: number): void {
  const { name, attributes, model } = reportOf(e);
  core.emit({ op: "event", key: run, name, atMs: at, attributes });
  if (model) core.emit({ op: "set", key: run, attributes: { "gen_ai.request.model": model } });
  core.touch(run, at);
}

/** A report after its run ended: an ended span takes no more events, so a zero-length child. */
function lateReport(
  core: MapperCore,
  session: SessionCtx,
  runs: AgentRuns,
  run: string,
  e: NormalizedEvent,
  at: number,
): void {
  const key = `${runs.ctx.id}|point|${e.id}`;
  const { name, attributes } = reportOf(e);
  core.start(runs.ctx, {
    key,
    role: "step",
    traceId: core.refOf(run)!.traceId,
    parentKey: run,
    agentCtx: null,
    startMs: at,
    toolName: null,
    resource: core.resourceOf(e),
    name,
    attributes: { ...sessionAttributes(session.id), ...attributes },
  });
  if (endsRun(e) === "error") emitFailure(core, key, e.error, "agent_error", at);
  core.finish(key, at, null, null);
}

/** One TelemetryEvent of a session → span commands on the core. */
export function onTelemetryEvent(core: MapperCore, session: SessionCtx, e: NormalizedEvent, at: number): void {
  const runs = runsOf(core, session, e);
  const late = lateRunOf(core, runs, e, at);
  if (TOOL_TYPES.has(e.type)) {
    toolCall(core, session, runs, e, at, late);
    return;
  }
  if (late) {
    lateReport(core, session, runs, late, e, at);
    return;
  }
  const run = runOf(core, session, runs, e, at);
  if (!startsRun(e) || field(e, "stepName") !== undefined || usageOf(e)) runEvent(core, run, e, at);
  const end = endsRun(e);
  if (end === "error") emitFailure(core, run, e.error, "agent_error", at);
  if (end) endRun(core, runs, core.open.get(run)!, at, null);
}
