import { telemetryFileOps } from "../ingest/file-paths.ts";
import { firstLine, oneLine } from "../ingest/summarize.ts";
import type { NormalizedEvent } from "../schema/mod.ts";
import { recordFileOps } from "./session-files.ts";
import { addCall, finishCall, hasRunningSubagents, payloadField, type SessionEffects } from "./session-ops.ts";
import type { SessionLimits, SessionState } from "./session-state.ts";

// TelemetryEvents (POST /telemetry) on a session. The envelope has no turns and no tool-call ids:
// each `tool_call` / `bash_command` reports a call that is over, and the agent's run is bounded by
// `agent_start` / `lifecycleStage: "start"` and `agent_complete` / `"finalized"`.

const TOOL_TYPES = new Set(["tool_call", "bash_command"]);

/**
 * The agents (an agentId within a containerId) whose run in a session has begun and not ended.
 * Several agents may post under one sessionId (a workflow's): the first to complete must not end
 * the session while another still works. Beside the state rather than in it, by the state (so it
 * goes with an evicted session).
 */
const openRuns = new WeakMap<SessionState, Set<string>>();

/** Records that `e`'s agent began or ended a run; whether any agent of the session still runs one. */
function trackRun(state: SessionState, e: NormalizedEvent, begins: boolean): boolean {
  let runs = openRuns.get(state);
  if (!runs) {
    if (!begins) return false;
    runs = new Set();
    openRuns.set(state, runs);
  }
  const agent = `${e.agentId ?? ""}\u0000${e.containerId ?? ""}`;
  if (begins) runs.add(agent);
  else runs.delete(agent);
  return runs.size > 0;
}

/**
 * A name for what `e` begins (a run's session, a call in a session) that no other holds: its id,
 * unless taken (TelemetryEvent ids are unique per agent only: two agents both number theirs 1, 2,
 * 3); then the agent's id in front, and if that is taken too (the same agent id in another
 * container, or numbering from 1 again) the event's sequence number after it.
 */
export function untakenName(e: NormalizedEvent, taken: (name: string) => boolean): string {
  if (!taken(e.id)) return e.id;
  const scoped = `${e.agentId ?? "agent"}/${e.id}`;
  return taken(scoped) ? `${scoped}#${e.seq}` : scoped;
}

/** Whether an event begins a run: the only TelemetryEvent that reopens an ended session. */
export function startsTelemetryRun(e: NormalizedEvent): boolean {
  return e.type === "agent_start" || payloadField(e, "lifecycleStage") === "start";
}

/** A tool call or command the event reports as done: it started `durationMs` before (0 when unsaid). */
function recordCall(
  state: SessionState,
  e: NormalizedEvent,
  at: string,
  limits: SessionLimits,
  effects: SessionEffects,
) {
  const call = addCall(
    state,
    e,
    e.durationMs ? new Date(Date.parse(at) - e.durationMs).toISOString() : at,
    {
      toolUseId: untakenName(e, (id) => state.toolCalls.has(id)),
      toolName: e.toolName ?? "unknown",
      filePaths: e.filePaths,
      command: e.command,
      // The event's own summary, not the hook path's "Tool: …" form: its prefix cut would eat "curl https:".
      // One line, as every summary: an errorMessage can be a whole stack trace.
      summary: e.error ? oneLine(`${e.toolName ?? e.type}: ${firstLine(e.error)}`) : e.summary,
      startSeq: e.seq,
    },
    limits,
    effects,
  );
  finishCall(call, at, e.durationMs ?? 0, e.status === "error" ? "error" : "ok", e.error);
  call.endSeq = e.seq;
  return call;
}

/** What a TelemetryEvent says of its session's status, in a session no hook reports. */
function applyRunStatus(state: SessionState, e: NormalizedEvent, isCall: boolean, stage: unknown, at: string) {
  if (e.type === "agent_start") state.status = "active";
  else if (e.type === "agent_error") state.status = "error";
  // Tool activity means the agent works now, whatever an earlier error or silence said.
  else if (isCall && state.status !== "ended") state.status = "active";
  if (typeof stage !== "string") return;
  if (stage === "error") state.status = "error";
  else if (stage === "finalized") {
    // The same end as agent_complete (session-reducer.ts), which also says when it came.
    state.status = "ended";
    state.completedAt = at;
    state.waitingFor = null;
  } else if (state.status !== "ended") state.status = "active";
}

/** Applies a TelemetryEvent's type and lifecycle fields; returns the tool call it finished, if any. */
export function applyTelemetryEvent(
  state: SessionState,
  e: NormalizedEvent,
  at: string,
  limits: SessionLimits,
  effects: SessionEffects,
) {
  // Ended before this event (the reducer reopens an ended session for a start that came after its end).
  const late = state.status === "ended";
  const call = TOOL_TYPES.has(e.type) ? recordCall(state, e, at, limits, effects) : null;
  // A call that failed touched nothing (a failed write wrote nothing), as on the hook path.
  if (call ? call.status === "ok" : e.filePaths.length > 0)
    recordFileOps(state, telemetryFileOps(e.toolName, e.filePaths, e.command), at, limits);
  const stage = payloadField(e, "lifecycleStage");
  if (typeof stage === "string") {
    const index = payloadField(e, "stepIndex");
    const name = payloadField(e, "stepName");
    if (typeof index === "number") state.currentStepIndex = index;
    if (typeof name === "string") state.currentStepName = name;
  }
  // In a session Claude Code's hooks report, they say what it does: a wrapper's run (another
  // agent posting under the same sessionId) adds its calls and steps, not its status.
  if (!state.hooked) applyRunStatus(state, e, call !== null, stage, at);
  const ends = e.type === "agent_complete" || e.type === "agent_error" || stage === "finalized" || stage === "error";
  // An ended session only takes late reports (a start timed before its end included); one with
  // hooks ends as Claude Code's sessions do.
  const begins = !ends && !late && (startsTelemetryRun(e) || call !== null || stage !== undefined);
  // One agent's end or failure is not the session's while another agent's run goes on.
  const over = state.status === "ended" || state.status === "error";
  if (!state.hooked && (begins || ends) && trackRun(state, e, begins) && over) {
    state.status = "active";
    state.completedAt = null;
  }
  return call;
}

/**
 * An agent that stopped posting mid-run (crash, kill -9) sends no `agent_complete`: without turns,
 * nothing else would ever end its `active`. Silent for `timeoutMs`, it is `interrupted`, as a turn is.
 */
export function expireSilentRun(state: SessionState, nowMs: number, timeoutMs: number): boolean {
  if (state.status !== "active" || nowMs - state.lastEventMs < timeoutMs || hasRunningSubagents(state)) return false;
  // Every run of the session is over: an agent that posts again begins anew.
  openRuns.delete(state);
  state.status = "interrupted";
  state.waitingFor = null;
  return true;
}
