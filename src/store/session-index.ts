import type { FileRow, NormalizedEvent, SessionSummary } from "../schema/mod.ts";
import { applySessionEvent, expireIdleTurn, type SessionEffects } from "./session-reducer.ts";
import { createSessionState, type SessionLimits, type SessionState, toSessionSummary } from "./session-state.ts";

const STATUS_RANK: Record<SessionSummary["status"], number> = {
  waiting: 0,
  active: 1,
  error: 2,
  interrupted: 3,
  idle: 4,
  ended: 5,
};

/**
 * Sessions by id. Outlives the event ring (summaries are small); bounded by `maxSessions`,
 * evicting the least recently active session that is not working right now.
 * Map insertion order doubles as the recency order: each event re-inserts its session.
 */
export class SessionIndex {
  readonly #sessions = new Map<string, SessionState>();
  #newest: string | null = null;
  readonly #limits: SessionLimits & { maxSessions: number };
  #evicted = 0;
  readonly #onEvict: (state: SessionState) => void;

  constructor(limits: SessionLimits & { maxSessions: number }, onEvict: (state: SessionState) => void = () => {}) {
    this.#limits = limits;
    this.#onEvict = onEvict;
  }

  get size(): number {
    return this.#sessions.size;
  }
  get evicted(): number {
    return this.#evicted;
  }

  get(id: string): SessionState | undefined {
    return this.#sessions.get(id);
  }

  /** The session, created when unknown (OTLP spans and metrics may come before any event), made most recent. */
  ensure(id: string, at: string, source: string): SessionState {
    return this.#touch(id, at, source);
  }

  apply(e: NormalizedEvent): SessionEffects | null {
    if (!e.sessionId) return null;
    const state = this.#touch(e.sessionId, e.sourceTime ?? e.receivedAt, e.source);
    return applySessionEvent(state, e, this.#limits);
  }

  /** The session made most recent (the Map's order is the eviction order), created when unknown. */
  #touch(id: string, at: string, source: string): SessionState {
    let state = this.#sessions.get(id);
    // An agent's events come in runs: re-inserting the session that is already newest is wasted work.
    if (state && id === this.#newest) return state;
    if (state) this.#sessions.delete(id);
    else {
      state = createSessionState(id, at, Date.parse(at), source);
      this.#evictIfFull();
    }
    this.#sessions.set(id, state);
    this.#newest = id;
    return state;
  }

  #evictIfFull(): void {
    if (this.#sessions.size < this.#limits.maxSessions) return;
    let victim: string | null = null;
    for (const [id, s] of this.#sessions) {
      if (s.status !== "active" && s.status !== "waiting") {
        victim = id;
        break;
      }
    }
    this.#evict(victim ?? (this.#sessions.keys().next().value as string));
  }

  #evict(id: string): void {
    this.#onEvict(this.#sessions.get(id)!);
    this.#sessions.delete(id);
    if (id === this.#newest) this.#newest = null;
    this.#evicted++;
  }

  /**
   * Evicts the least recently active sessions not working now while all sessions together hold
   * more than `maxCalls` records of calls: tool calls, LLM requests, Claude Code's own spans and
   * subagents, each capped per session at maxToolCallsPerSession. The count bounds memory (~600
   * bytes a record with its share of turns and files), which maxSessions alone does not: a
   * thousand long sessions at the per-session caps would hold millions.
   */
  trimCalls(maxCalls: number): void {
    const recordsOf = (s: SessionState) =>
      s.toolCalls.size + s.llmRequests.size + s.nativeSpans.length + s.subagents.size;
    let total = 0;
    for (const s of this.#sessions.values()) total += recordsOf(s);
    for (const [id, s] of this.#sessions) {
      if (total <= maxCalls) return;
      if (s.status === "active" || s.status === "waiting" || id === this.#newest) continue;
      total -= recordsOf(s);
      this.#evict(id);
    }
  }

  /** Interrupts turns silent for longer than the idle timeout; returns the sessions it changed. */
  sweep(nowMs: number, timeoutMs: number): Array<{ state: SessionState; effects: SessionEffects }> {
    const changed: Array<{ state: SessionState; effects: SessionEffects }> = [];
    for (const state of this.#sessions.values()) {
      const effects = expireIdleTurn(state, nowMs, timeoutMs);
      if (effects) changed.push({ state, effects });
    }
    return changed;
  }

  /** Active and waiting first, then by most recent activity. */
  list(): SessionSummary[] {
    return [...this.#sessions.values()].map(toSessionSummary).sort((a, b) => {
      const live = (s: SessionSummary) => (s.status === "waiting" || s.status === "active" ? 0 : 1);
      return (
        live(a) - live(b) || b.lastEventAt.localeCompare(a.lastEventAt) || STATUS_RANK[a.status] - STATUS_RANK[b.status]
      );
    });
  }

  /** Files across all sessions, merged by path (session lists are already bounded per session). */
  files(): FileRow[] {
    const byPath = new Map<string, FileRow>();
    // Most recently active sessions first, so each row lists its sessions in that order.
    for (const s of [...this.#sessions.values()].reverse()) {
      const label = s.project ?? s.sessionId.slice(0, 8);
      for (const f of s.files.values()) {
        let row = byPath.get(f.path);
        if (!row) {
          row = { path: f.path, reads: 0, writes: 0, edits: 0, searches: 0, lastAt: f.lastAt, sessions: [] };
          byPath.set(f.path, row);
        }
        row.reads += f.reads;
        row.writes += f.writes;
        row.edits += f.edits;
        row.searches += f.searches;
        if (f.lastAt > row.lastAt) row.lastAt = f.lastAt;
        row.sessions.push({ sessionId: s.sessionId, label });
      }
    }
    return [...byPath.values()].sort((a, b) => b.lastAt.localeCompare(a.lastAt) || a.path.localeCompare(b.path));
  }

  *all(): Generator<SessionState> {
    yield* this.#sessions.values();
  }
}
