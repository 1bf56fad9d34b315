import type { SpanResource } from "./span-command.ts";

export type SpanRole = "turn" | "tool" | "subagent" | "step";

/** A span the mapper has started and not ended yet. */
export type OpenSpan = {
  key: string;
  role: SpanRole;
  sessionId: string;
  traceId: string;
  spanId: string;
  parentKey: string | null;
  /** Subagent (agent_id) whose work this span is part of; null on the main thread. */
  agentCtx: string | null;
  startMs: number;
  /** Time of the latest event seen in this span or below it (event time). */
  lastMs: number;
  /** Wall clock when that happened: timeouts count from here, so replayed old events do not expire at once. */
  touchedWall: number;
  toolName: string | null;
  /** A PermissionRequest was seen for this call (a missing Post then means it was denied). */
  permissionAsked: boolean;
  resource: SpanResource;
};

export type SpanRef = { traceId: string; spanId: string };

/** An Agent/Task call not yet matched to the SubagentStart it launched; `agentId` once its Post named it. */
export type AgentCall = { key: string; ref: SpanRef; subagentType: string | null; agentId?: string };

export type SessionCtx = {
  id: string;
  /** The open main-thread turn, if any. */
  turnKey: string | null;
  turnCount: number;
  cwd: string | null;
  permissionMode: string | null;
  /** The model the next turn starts on. */
  model: string | null;
  /**
   * The turn whose Claude Code `api_request`s name that model: the latest one made current, until a
   * hook names the model while no turn is open (a switch, a resume: newer than the late requests of
   * the turn before), then `key` is null. `promptId` null: turns keyed by number (no prompt ids).
   */
  modelTurn: { key: string | null; promptId: string | null } | null;
  /** Keys of this session's open spans, in start order (innermost = last). */
  open: string[];
  agentCalls: AgentCall[];
  /** Open Pre…/Post… pairs (compact, model_switch) by name. */
  steps: Map<string, string>;
  /**
   * TelemetryEvent runs started in the session, numbered across its agents (each run's trace id is
   * its own). The runs themselves live in each agent's own context (telemetry-spans.ts), apart from
   * the hooks' turns: an agent wrapping Claude Code must not end Claude Code's turn.
   */
  runCount: number;
};

/**
 * A Map that forgets its oldest entries past `limit` (first in, first out). A ring of keys says
 * which entry goes next, so a write costs one Map insert and at most one delete.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  private readonly ring: K[] = [];
  private next = 0;
  constructor(private readonly limit: number) {}
  get(key: K): V | undefined {
    return this.map.get(key);
  }
  has(key: K): boolean {
    return this.map.has(key);
  }
  set(key: K, value: V): void {
    if (this.map.has(key)) {
      this.map.set(key, value);
      return;
    }
    if (this.ring.length < this.limit) this.ring.push(key);
    else {
      this.map.delete(this.ring[this.next]!);
      this.ring[this.next] = key;
      this.next = (this.next + 1) % this.limit;
    }
    this.map.set(key, value);
  }
  get size(): number {
    return this.map.size;
  }
}

export function createSessionCtx(id: string): SessionCtx {
  return {
    id,
    turnKey: null,
    turnCount: 0,
    cwd: null,
    permissionMode: null,
    model: null,
    modelTurn: null,
    open: [],
    agentCalls: [],
    steps: new Map(),
    runCount: 0,
  };
}

/** Makes a turn the session's open one: from now on its requests name the model (see modelTurn). */
export function setCurrentTurn(ctx: SessionCtx, key: string, promptId: string | null): void {
  ctx.turnKey = key;
  ctx.modelTurn = { key, promptId };
}
