import type { NormalizedEvent } from "../schema/mod.ts";
import { startsTelemetryRun } from "./session-telemetry.ts";

/**
 * Sessions for TelemetryEvents that name none (`sessionId` is optional in the envelope: an agent
 * outside a container may have no CLAUDE_SESSION_ID). Without one, an agent's tool calls, files and
 * cost would belong to no session at all; instead each agent's run becomes a session named by the
 * id of the run's first event. A start (`agent_start`, `lifecycleStage: "start"`) begins a new run;
 * anything else joins the agent's current run, even once it ended, as a late usage report of a
 * finished run belongs to it (a name already taken is made unique, see newRunName). An agent is its id within its container: the same agent id run in
 * several containers at once (one image, many workers) makes parallel runs, and keyed by the id
 * alone one container's events would join, and its agent_complete end, another's run. Bounded
 * like the sessions themselves, least recently heard first.
 */
/**
 * A new run's session name: its first event's id, unless a session already has that name (ids are
 * unique per agent only: two agents numbering their events 1, 2, 3 would share a session and a
 * trace). Then the agent's id goes in front, and if that is taken too (the same agent in another
 * container, or numbering from 1 again), the event's sequence number after it.
 */
function newRunName(e: NormalizedEvent, known: (sessionId: string) => boolean): string {
  if (!known(e.id)) return e.id;
  const scoped = `${e.agentId ?? "agent"}/${e.id}`;
  return known(scoped) ? `${scoped}#${e.seq}` : scoped;
}

export class AgentRuns {
  readonly #current = new Map<string, string>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** The session `e` belongs to; `known` says whether a session id is still held by the store. */
  sessionFor(e: NormalizedEvent, known: (sessionId: string) => boolean): string {
    const agent = `${e.agentId ?? ""}\u0000${e.containerId ?? ""}`;
    let run = this.#current.get(agent);
    // A run whose session was evicted is over for good: re-creating it would show a stub of it.
    if (run === undefined || startsTelemetryRun(e) || !known(run)) run = newRunName(e, known);
    this.#current.delete(agent);
    this.#current.set(agent, run);
    if (this.#current.size > this.#max) this.#current.delete(this.#current.keys().next().value as string);
    return run;
  }
}
