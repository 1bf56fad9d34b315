import type { NormalizedEvent } from "../schema/mod.ts";
import { startsTelemetryRun, untakenName } from "./session-telemetry.ts";

/** An agent's current run: its session, when its first event says it began, and the run before it. */
type Run = { session: string; startedAt: string; previous: string | null };

/**
 * Sessions for TelemetryEvents that name none (`sessionId` is optional in the envelope: an agent
 * outside a container may have no CLAUDE_SESSION_ID). Without one, an agent's tool calls, files and
 * cost would belong to no session at all; instead each agent's run becomes a session named by the
 * id of the run's first event (a name already taken is made unique, see untakenName). A start
 * (`agent_start`, `lifecycleStage: "start"`) begins a new run; anything else joins the agent's
 * current run, even once it ended, as a late usage report of a finished run belongs to it, unless
 * it is timed before the current run began: then it is the run before's. An agent is its id within
 * its container: the same agent id run in several containers at once (one image, many workers)
 * makes parallel runs, and keyed by the id alone one container's events would join, and its
 * agent_complete end, another's run. Bounded like the sessions themselves, least recently heard first.
 */
export class AgentRuns {
  readonly #current = new Map<string, Run>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** The session `e` belongs to; `known` says whether a session id is still held by the store. */
  sessionFor(e: NormalizedEvent, known: (sessionId: string) => boolean): string {
    const agent = `${e.agentId ?? ""}\u0000${e.containerId ?? ""}`;
    const at = e.sourceTime ?? e.receivedAt;
    let run = this.#current.get(agent);
    let session: string;
    // A run whose session was evicted is over for good: re-creating it would show a stub of it.
    if (run === undefined || startsTelemetryRun(e) || !known(run.session)) {
      const previous = run !== undefined && known(run.session) ? run.session : null;
      run = { session: untakenName(e, known), startedAt: at, previous };
      session = run.session;
    } else {
      // Timed before this run began, it is the run before's (a retried batch of its end, delivered
      // after this run's start), as a report arriving before its run's start is the run before's.
      const before = run.previous !== null && at < run.startedAt && known(run.previous);
      session = before ? run.previous! : run.session;
    }
    this.#current.delete(agent);
    this.#current.set(agent, run);
    if (this.#current.size > this.#max) this.#current.delete(this.#current.keys().next().value as string);
    return session;
  }
}
