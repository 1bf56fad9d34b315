import type { SessionSummary } from "../../../src/schema/session.ts";
import type { Stats, StreamMessage } from "../../../src/schema/wire.ts";
import { assertNever } from "../lib/assert-never.ts";
import { DEFAULT_LOG_CAP, type EventLog, emptyLog, mergeEvents } from "./event-log.ts";
import { upsertSessions } from "./session-list.ts";

/** Something the stream told us that the reducer cannot do itself (it never fetches). */
export type StreamEffect =
  /** Summaries may be stale (new connection, events evicted before we resumed, sessions evicted). */
  | { kind: "refresh" }
  /** The server restarted: state was dropped; load it again and resume from the new server's newest id. */
  | { kind: "reload" };

export type Notice = { kind: "gap"; missed: number } | { kind: "overflow" } | { kind: "restarted" };

export type LiveState = {
  readonly bootId: string | null;
  readonly log: EventLog;
  readonly sessions: readonly SessionSummary[];
  readonly stats: Stats | null;
  /** The last thing worth telling the user about the stream itself. */
  readonly notice: Notice | null;
};

export function initialLiveState(): LiveState {
  return { bootId: null, log: emptyLog(), sessions: [], stats: null, notice: null };
}

/**
 * Applies one animation frame's worth of SSE messages. Pure: state in, state and effects out,
 * so ordering questions (replay after reconnect, reset, gap) are tested without a browser.
 */
export function applyMessages(
  state: LiveState,
  messages: readonly StreamMessage[],
  cap = DEFAULT_LOG_CAP,
): { state: LiveState; effects: StreamEffect[] } {
  let next = state;
  const effects: StreamEffect[] = [];
  let pending: StreamMessage[] = [];

  function flushEvents() {
    if (pending.length === 0) return;
    next = {
      ...next,
      log: mergeEvents(
        next.log,
        pending.map((m) => m.data as never),
        cap,
      ),
    };
    pending = [];
  }

  for (const msg of messages) {
    if (msg.kind === "event") {
      pending.push(msg);
      continue;
    }
    flushEvents();
    switch (msg.kind) {
      case "hello":
        if (next.bootId !== null && next.bootId !== msg.data.bootId) {
          // A new server run answered: our ids mean nothing to it, even if it sent no `reset`.
          next = { ...dropped(next), bootId: msg.data.bootId, notice: { kind: "restarted" } };
          effects.push({ kind: "reload" });
        } else {
          next = { ...next, bootId: msg.data.bootId };
          effects.push({ kind: "refresh" });
        }
        break;
      case "sessions":
        next = { ...next, sessions: upsertSessions(next.sessions, msg.data) };
        break;
      case "stats":
        // Summaries the server evicted (past store.maxSessions) never come as `sessions`
        // messages: a page holding more than the server counts, or a new eviction, refetches the list.
        if (
          next.sessions.length > msg.data.sessions ||
          (next.stats !== null && msg.data.sessionsEvicted > next.stats.sessionsEvicted)
        ) {
          effects.push({ kind: "refresh" });
        }
        next = { ...next, stats: msg.data };
        break;
      case "gap":
        next = { ...next, notice: { kind: "gap", missed: msg.data.missed } };
        effects.push({ kind: "refresh" });
        break;
      case "reset":
        next = { ...dropped(next), bootId: msg.data.bootId, notice: { kind: "restarted" } };
        effects.push({ kind: "reload" });
        break;
      case "overflow":
        next = { ...next, notice: { kind: "overflow" } };
        break;
      default:
        assertNever(msg);
    }
  }
  flushEvents();
  return { state: next, effects: dedupeEffects(effects) };
}

function dropped(state: LiveState): LiveState {
  return { ...state, log: emptyLog(state.log.epoch + 1), sessions: [], stats: null };
}

function dedupeEffects(effects: StreamEffect[]): StreamEffect[] {
  if (effects.some((e) => e.kind === "reload")) return [{ kind: "reload" }];
  return effects.length > 0 ? [{ kind: "refresh" }] : [];
}
