import type { Config } from "../config/config-schema.ts";
import type {
  Agent,
  BufferStats,
  EventDraft,
  EventsPage,
  ExportStats,
  FileRow,
  NormalizedEvent,
  OtlpStats,
  SessionSummary,
  Stats,
  ToolStats,
} from "../schema/mod.ts";
import { AgentRuns } from "./agent-runs.ts";
import { AgentIndex } from "./agents.ts";
import { compileFilter, type EventFilter } from "./event-filter.ts";
import { IdempotencyKeys } from "./idempotency.ts";
import { applyMetricUpdate, applyNativeSpan, type MetricUpdate, type NativeSpanInput } from "./native-telemetry.ts";
import { RingBuffer } from "./ring-buffer.ts";
import { SessionIndex } from "./session-index.ts";
import type { SessionEffects } from "./session-reducer.ts";
import { currentTool, type SessionState, toSessionSummary } from "./session-state.ts";
import { StatsCounters } from "./stats-counters.ts";

export type Clock = { now(): number };

export const systemClock: Clock = { now: () => Date.now() };

export type StoreListener = (event: NormalizedEvent) => void;
export type AppendResult = { status: "accepted"; event: NormalizedEvent } | { status: "duplicate"; seq: number | null };

export type StoreOptions = { store: Config["store"]; clock?: Clock };

export type Store = ReturnType<typeof createStore>;

/**
 * The store stage: sequence ids, the event ring, sessions, agents, stats and pub/sub.
 * Everything is in memory and bounded; append is synchronous and O(1) apart from listeners,
 * which only enqueue (SSE clients, span mapping) so ingest never waits on fan-out.
 */
export function createStore({ store: limits, clock = systemClock }: StoreOptions) {
  const ring = new RingBuffer<NormalizedEvent>(limits.maxEvents, limits.maxBytes);
  const counters = new StatsCounters();
  const sessions = new SessionIndex(limits, (evicted) => {
    for (const call of evicted.toolCalls.values()) if (call.status === "running") counters.tools.abandoned(call);
  });
  const agents = new AgentIndex(limits.maxSessions);
  const keys = new IdempotencyKeys(limits.idempotencyKeys);
  const runs = new AgentRuns(limits.maxSessions);
  const held = (id: string) => sessions.get(id) !== undefined;
  const listeners = new Set<StoreListener>();
  const changed = new Set<string>();
  let seq = 0;

  function applyEffects(effects: SessionEffects | null) {
    if (!effects) return;
    for (const call of effects.finishedCalls) counters.tools.finished(call);
    for (const { call, was } of effects.correctedCalls ?? []) counters.tools.corrected(was, call);
    for (const m of effects.withdrawnUsage ?? []) counters.adjustUsage(m.model, m, -1);
    for (const message of effects.withdrawnErrors ?? []) counters.withdrawError(message);
  }

  function append(draft: EventDraft, idempotencyKey: string | null = null): AppendResult {
    if (idempotencyKey) {
      const seen = keys.get(idempotencyKey);
      if (seen !== undefined) return { status: "duplicate", seq: seen };
    }
    // The draft becomes the event (no copy: it is built for the store and nobody else holds it).
    const event = draft as NormalizedEvent;
    event.seq = ++seq;
    if (event.sessionId === null && event.source === "telemetry") event.sessionId = runs.sessionFor(event, held);
    // OTLP log events name the subagent by id only; the hooks told the session its type.
    if (event.subagentId && !event.subagentType && event.sessionId) {
      event.subagentType = sessions.get(event.sessionId)?.subagents.get(event.subagentId)?.agentType ?? null;
    }
    // An HTTP hook from settings that name no agent or host (a shared project's) belongs to the
    // agent its session's command hooks named (SessionStart is a command hook in every mode).
    if (event.agentId === null && event.source === "claude-code-hook" && event.sessionId) {
      const session = sessions.get(event.sessionId);
      event.agentId = session?.agentId ?? null;
      event.hostName ??= session?.hostName ?? null;
    }
    if (idempotencyKey) keys.set(idempotencyKey, event.seq);
    ring.push(event);
    const nowMs = clock.now();
    if (event.type === "PreToolUse" && event.toolName) counters.tools.started(event.toolName);
    const effects = sessions.apply(event);
    // Hooks and Claude Code's telemetry report the same failures, in either order: the session
    // decides which source counts one (SessionEffects), and the store-wide stats follow it.
    counters.record(event, nowMs, effects === null || effects.countsError);
    applyEffects(effects);
    if (effects?.batchFailures) counters.failedCalls(event, effects.batchFailures);
    agents.record(event, event.sourceTime ?? event.receivedAt, nowMs);
    if (event.sessionId) changed.add(event.sessionId);
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must never lose or block an accepted event.
      }
    }
    return { status: "accepted", event };
  }

  function query(filter: EventFilter): EventsPage {
    const match = compileFilter(filter);
    const events: NormalizedEvent[] = [];
    const before = filter.cursor ? Number(filter.cursor) : undefined;
    let last: NormalizedEvent | null = null;
    let more = false;
    for (const e of ring.newestFirst(before)) {
      if (!match(e)) continue;
      if (events.length === filter.limit) {
        more = true;
        break;
      }
      events.push(e);
      last = e;
    }
    return {
      events,
      nextCursor: more && last ? String(last.seq) : null,
      oldestSeq: ring.oldestSeq,
      newestSeq: ring.newestSeq,
    };
  }

  function buffer(): BufferStats {
    return {
      events: ring.size,
      bytes: ring.bytes,
      capacity: ring.capacity,
      capacityBytes: ring.maxBytes,
      evicted: ring.evicted,
      oldestSeq: ring.oldestSeq,
      newestSeq: ring.newestSeq,
    };
  }

  function sessionView(id: string) {
    const s = sessions.get(id);
    if (!s) return null;
    const tool = currentTool(s);
    return {
      status: s.status,
      tool: tool?.toolName ?? null,
      stepIndex: s.currentStepIndex,
      stepName: s.currentStepName,
      hooked: s.hooked,
    };
  }

  return {
    append,
    query,
    buffer,
    /** Events after `seq`, oldest first (SSE replay). */
    after: (afterSeq: number) => ring.oldestFirst(afterSeq),
    event: (s: number) => ring.get(s),
    subscribe(listener: StoreListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    session: (id: string): SessionState | undefined => sessions.get(id),
    sessions: (): SessionSummary[] => sessions.list(),
    files: (): FileRow[] => sessions.files(),
    tools: (): ToolStats[] => counters.tools.list(),
    agents: (): Agent[] => agents.list(clock.now(), sessionView),
    countRejected: (n: number) => counters.rejected(n),
    /** Claude Code's own spans into their sessions (created when unknown); returns how many were new. */
    recordNativeSpans(inputs: NativeSpanInput[]): number {
      let added = 0;
      for (const { sessionId, span } of inputs) {
        const state = sessions.ensure(sessionId, span.startedAt, "otlp");
        if (applyNativeSpan(state, span, limits)) added++;
        changed.add(sessionId);
      }
      return added;
    },
    /** Metric deltas into sessions and the store-wide totals (docs/otlp.md: no double counting). */
    recordMetrics(updates: MetricUpdate[]): void {
      // Usage first: cost and tokens make a session; activity alone (below) does not.
      const ordered = [...updates].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === "usage" ? -1 : 1));
      for (const u of ordered) {
        if (u.kind === "activity") counters.addActivity(u.field, u.value);
        if (!u.sessionId) continue;
        // Activity counters (session.count, active time, …) alone do not make a session: Claude Code
        // reports them for ids it resumed away from, which would show as empty ghost sessions.
        if (u.kind === "activity" && !sessions.get(u.sessionId)) continue;
        const state = sessions.ensure(u.sessionId, u.at, "otlp");
        const counted = applyMetricUpdate(state, u);
        if (counted && u.kind === "usage") counters.adjustUsage(u.model, counted, 1, null);
        changed.add(u.sessionId);
      }
    },
    provideOtlpStats: (stats: () => OtlpStats) => counters.provideOtlp(stats),
    stats(exportStats: ExportStats): Stats {
      let active = 0;
      let waiting = 0;
      for (const s of sessions.all()) {
        if (s.status === "active") active++;
        else if (s.status === "waiting") waiting++;
      }
      return counters.snapshot(clock.now(), {
        active,
        waiting,
        sessions: sessions.size,
        sessionsEvicted: sessions.evicted,
        buffer: buffer(),
        exportStats,
      });
    },
    /** Interrupts silent turns (idle timeout) and trims sessions to store.maxCalls; call periodically. */
    sweep(): void {
      sessions.trimCalls(limits.maxCalls);
      for (const { state, effects } of sessions.sweep(clock.now(), limits.turnIdleTimeoutMs)) {
        applyEffects(effects);
        changed.add(state.sessionId);
      }
    },
    /** Session ids changed since the last call (for coalesced `sessions` SSE messages). */
    drainChanged(): SessionSummary[] {
      const out: SessionSummary[] = [];
      for (const id of changed) {
        const state = sessions.get(id);
        if (state) out.push(toSessionSummary(state));
      }
      changed.clear();
      return out;
    },
  };
}
