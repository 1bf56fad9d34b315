import type { Agent, NormalizedEvent, SessionStatus } from "../schema/mod.ts";
import { RateWindow } from "./rate-window.ts";
import { payloadField } from "./session-ops.ts";
import { startsTelemetryRun } from "./session-telemetry.ts";

// Sessions listed per agent card; older ones are still reachable from the session list.
const MAX_SESSIONS_PER_AGENT = 50;

/**
 * `runEnd`: how a TelemetryEvent agent's own run ended, until it works again. Agents of a workflow
 * may share a sessionId: the session is active while any of them works, but this one is done.
 */
type AgentState = Omit<Agent, "status" | "eventsPerMinute"> & {
  rate: RateWindow;
  runEnd: "ended" | "error" | null;
  /** Posts TelemetryEvents: in a session Claude Code's hooks report, the running tool is Claude Code's. */
  telemetry: boolean;
};

/** The agent key: agent id, else the container, else the host; events with none have no agent card. */
export function agentKey(e: Pick<NormalizedEvent, "agentId" | "containerId" | "hostName">): string | null {
  if (e.agentId) return e.agentId;
  if (e.containerId) return `container:${e.containerId}`;
  if (e.hostName) return `host:${e.hostName}`;
  return null;
}

/** How a TelemetryEvent leaves its agent's run: ended, failed, working again (null), or as it was. */
function runEndOf(e: NormalizedEvent, was: AgentState["runEnd"]): AgentState["runEnd"] {
  const stage = payloadField(e, "lifecycleStage");
  if (e.type === "agent_error" || stage === "error") return "error";
  if (e.type === "agent_complete" || stage === "finalized") return "ended";
  const works = startsTelemetryRun(e) || e.type === "tool_call" || e.type === "bash_command" || stage !== undefined;
  return works ? null : was;
}

/** The step a TelemetryEvent says its agent is at, taken as its session takes it; none in a new run. */
function ownStep(a: AgentState, e: NormalizedEvent): void {
  if (startsTelemetryRun(e)) {
    a.currentStepIndex = null;
    a.currentStepName = null;
  }
  if (typeof payloadField(e, "lifecycleStage") !== "string") return;
  const index = payloadField(e, "stepIndex");
  const name = payloadField(e, "stepName");
  if (typeof index === "number") a.currentStepIndex = index;
  if (typeof name === "string") a.currentStepName = name;
}

/** Agents and containers seen (the dashboard's agent view), bounded like sessions. */
export class AgentIndex {
  readonly #agents = new Map<string, AgentState>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /**
   * The card of `e`'s agent: by its id, but an agent is its id within its container (as its runs
   * are, agent-runs.ts), so the same id in another container than its card's has a card of its own.
   */
  #keyOf(e: NormalizedEvent): string | null {
    const key = agentKey(e);
    // TelemetryEvents only: Claude Code's HTTP hooks may name the container by $HOSTNAME while its
    // command hooks name it by id, and one Claude Code is one card.
    if (key === null || e.source !== "telemetry" || !e.agentId || !e.containerId) return key;
    const known = this.#agents.get(key)?.containerId;
    return known && known !== e.containerId ? `${key}@${e.containerId}` : key;
  }

  record(e: NormalizedEvent, at: string, nowMs: number): void {
    const key = this.#keyOf(e);
    if (!key) return;
    let a = this.#agents.get(key);
    if (!a) {
      a = {
        key,
        agentId: e.agentId,
        containerId: e.containerId,
        hostName: e.hostName,
        workflowId: e.workflowId,
        nodeId: e.nodeId,
        currentSessionId: null,
        currentStepIndex: null,
        currentStepName: null,
        currentTool: null,
        lastEventAt: at,
        eventCount: 0,
        sessionIds: [],
        rate: new RateWindow(60, 1000),
        runEnd: null,
        telemetry: false,
      };
      if (this.#agents.size >= this.#max) this.#agents.delete(this.#agents.keys().next().value as string);
    } else this.#agents.delete(key); // re-insert: Map order is least recently active first
    this.#agents.set(key, a);
    a.eventCount++;
    a.rate.add(nowMs);
    if (at > a.lastEventAt) a.lastEventAt = at;
    a.containerId ??= e.containerId;
    a.hostName ??= e.hostName;
    if (e.workflowId) a.workflowId = e.workflowId;
    if (e.nodeId) a.nodeId = e.nodeId;
    if (e.source === "telemetry") {
      a.telemetry = true;
      a.runEnd = runEndOf(e, a.runEnd);
      ownStep(a, e);
    }
    if (e.sessionId) {
      a.currentSessionId = e.sessionId;
      if (!a.sessionIds.includes(e.sessionId)) {
        a.sessionIds.push(e.sessionId);
        if (a.sessionIds.length > MAX_SESSIONS_PER_AGENT) a.sessionIds.shift();
      }
    }
  }

  list(nowMs: number, session: (id: string) => SessionView | null): Agent[] {
    return [...this.#agents.values()].reverse().map(({ rate, runEnd, telemetry, ...a }) => {
      const [currentSessionId, s] = liveSession(a, session);
      // The agent's own step while its latest session shows: another agent of that session has its own.
      const own = currentSessionId === a.currentSessionId;
      return {
        ...a,
        currentSessionId,
        // Sessions evicted past store.maxSessions are gone from the API: a card must not link to them.
        sessionIds: a.sessionIds.filter((id) => session(id) !== null),
        // Its own run's end while it shows its latest session: the session may go on (another
        // agent of it works) or have ended otherwise (another agent failed last).
        status: runEnd !== null && own ? runEnd : (s?.status ?? "idle"),
        // A wrapper's card does not claim the tool Claude Code runs in the session they share.
        currentTool: telemetry && s?.hooked ? null : (s?.tool ?? null),
        currentStepIndex: own ? a.currentStepIndex : (s?.stepIndex ?? null),
        currentStepName: own ? a.currentStepName : (s?.stepName ?? null),
        eventsPerMinute: rate.total(nowMs),
      };
    });
  }
}

type SessionView = {
  status: SessionStatus;
  tool: string | null;
  stepIndex: number | null;
  stepName: string | null;
  /** Claude Code's hooks report the session. */
  hooked: boolean;
};

/**
 * The session an agent card shows: the one of its latest event, unless that one is over while
 * another of the agent's sessions still runs (one host, several agents at once): then the most
 * recent session that waits for the user or is active, so the card says what the agent does now.
 */
function liveSession(
  a: Pick<AgentState, "currentSessionId" | "sessionIds">,
  session: (id: string) => SessionView | null,
): [string | null, SessionView | null] {
  const current = a.currentSessionId ? session(a.currentSessionId) : null;
  if (current && (current.status === "active" || current.status === "waiting")) return [a.currentSessionId, current];
  for (let i = a.sessionIds.length - 1; i >= 0; i--) {
    const id = a.sessionIds[i]!;
    if (id === a.currentSessionId) continue;
    const s = session(id);
    if (s && (s.status === "active" || s.status === "waiting")) return [id, s];
  }
  return current ? [a.currentSessionId, current] : [null, null];
}
