import { batch, createContext, createSignal, onCleanup, type ParentProps, useContext } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import type { NormalizedEvent } from "../../../src/schema/normalized-event.ts";
import type { SessionSummary } from "../../../src/schema/session.ts";
import type { Stats, StreamMessage } from "../../../src/schema/wire.ts";
import type { ApiClient } from "../lib/api-client.ts";
import { isUnauthorized } from "../lib/api-error.ts";
import { createEventStream, type EventStreamOptions, type StreamStatus } from "../lib/event-stream.ts";
import { createFrameQueue, createThrottle, type FrameScheduler } from "../lib/frame-queue.ts";
import { DEFAULT_LOG_CAP, type EventLog, findEvent, mergeEvents, newestSeq } from "./event-log.ts";
import { applyMessages, initialLiveState, type LiveState, type Notice, type StreamEffect } from "./live-state.ts";
import { replaceSessions } from "./session-list.ts";

/**
 * What stops the dashboard from showing live data, for the banner and the badge: no token, a
 * token the server refused (both mean the server answered), or no server at all.
 */
export type Problem = "unauthorized" | "token-refused" | "unreachable" | null;

export type AppCtxOptions = {
  api: ApiClient;
  createSource?: EventStreamOptions["createSource"];
  scheduleFrame?: FrameScheduler;
  /** Events kept in the page. */
  cap?: number;
  /** Pages of backlog loaded at start (1,000 events each). */
  backlogPages?: number;
  onTokenChange?: (token: string | null) => void;
};

// A REST page is at most 1,000 events (server limit); ten fill the default ring.
const PAGE = 1000;
const RETRY_LOAD_MS = 2000;

export type AppCtx = ReturnType<typeof createAppCtx>;

/**
 * The dashboard's state and its one SSE connection, built once and handed down by context.
 * Incoming messages queue up and apply once per animation frame through the pure reducer.
 */
export function createAppCtx({
  api,
  createSource,
  scheduleFrame,
  cap = DEFAULT_LOG_CAP,
  backlogPages = Math.ceil(cap / PAGE),
  onTokenChange,
}: AppCtxOptions) {
  let current: LiveState = initialLiveState();
  const [log, setLog] = createSignal<EventLog>(current.log);
  const [store, setStore] = createStore<{ sessions: SessionSummary[]; stats: Stats | null }>({
    sessions: [],
    stats: null,
  });
  const [status, setStatus] = createSignal<StreamStatus>("connecting");
  const [problem, setProblem] = createSignal<Problem>(null);
  const [notice, setNotice] = createSignal<Notice | null>(null);
  const [backlogLoading, setBacklogLoading] = createSignal(true);
  const [now, setNow] = createSignal(Date.now());
  const [paused, setPaused] = createSignal<EventLog | null>(null);
  let disposed = false;
  let loadTimer: ReturnType<typeof setTimeout> | null = null;
  let generation = 0;

  function commit(next: LiveState) {
    const prev = current;
    current = next;
    batch(() => {
      if (next.log !== prev.log) setLog(next.log);
      if (next.sessions !== prev.sessions)
        setStore("sessions", reconcile(next.sessions as SessionSummary[], { key: "sessionId" }));
      if (next.stats !== prev.stats) setStore("stats", reconcile(next.stats));
      if (next.notice !== prev.notice) setNotice(next.notice);
    });
  }

  const queue = createFrameQueue<StreamMessage>((messages) => {
    const { state, effects } = applyMessages(current, messages, cap);
    commit(state);
    for (const effect of effects) runEffect(effect);
  }, scheduleFrame);

  function runEffect(effect: StreamEffect) {
    if (effect.kind === "refresh") refresh.call();
    else reload();
  }

  async function refreshSummaries() {
    const heldBefore = new Set(current.sessions.map((s) => s.sessionId));
    try {
      const [sessions, stats] = await Promise.all([api.sessions(), api.stats()]);
      if (disposed) return;
      // Replaced, not merged: the page must not keep sessions the server evicted.
      commit({ ...current, sessions: replaceSessions(current.sessions, sessions, heldBefore), stats });
    } catch (err) {
      noteFailure(err);
    }
  }
  const refresh = createThrottle(() => void refreshSummaries(), 500);

  function noteFailure(err: unknown) {
    if (!isUnauthorized(err)) setProblem("unreachable");
    else setProblem(api.hasToken() ? "token-refused" : "unauthorized");
  }

  const stream = createEventStream({
    url: (id) => api.streamUrl(id, current.bootId),
    createSource,
    onMessage: (msg) => {
      if (msg.kind === "hello") setProblem(null);
      queue.push(msg);
    },
    onStatus: setStatus,
    onFailure: () => {
      // EventSource hides the HTTP status; one API call tells a missing token from a dead server.
      api.stats().then(
        () => setProblem(null),
        (err) => noteFailure(err),
      );
    },
  });

  /** Loads the newest page, starts the stream right after it, then fills older pages in the background. */
  async function load() {
    const gen = ++generation;
    if (loadTimer !== null) clearTimeout(loadTimer);
    loadTimer = null;
    setBacklogLoading(true);
    try {
      const page = await api.events({ limit: PAGE });
      if (disposed || gen !== generation) return;
      setProblem(null);
      commit({ ...current, log: mergeEvents(current.log, [...page.events].reverse(), cap) });
      stream.start(Math.max(page.newestSeq, newestSeq(current.log)));
      void refreshSummaries();
      let cursor = page.nextCursor;
      for (let i = 1; i < backlogPages && cursor && current.log.events.length < cap; i++) {
        const older = await api.events({ limit: PAGE, cursor });
        if (disposed || gen !== generation) return;
        commit({ ...current, log: mergeEvents(current.log, [...older.events].reverse(), cap) });
        cursor = older.nextCursor;
      }
    } catch (err) {
      if (disposed || gen !== generation) return;
      noteFailure(err);
      setStatus("offline");
      if (!isUnauthorized(err)) loadTimer = setTimeout(() => void load(), RETRY_LOAD_MS);
      return;
    } finally {
      if (gen === generation) setBacklogLoading(false);
    }
  }

  function reload() {
    stream.stop();
    queue.clear();
    void load();
  }

  const tick = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => {
    disposed = true;
    clearInterval(tick);
    if (loadTimer !== null) clearTimeout(loadTimer);
    refresh.cancel();
    stream.stop();
  });

  return {
    api,
    log,
    /** Sessions, newest activity first with live ones on top; and the latest stats. */
    store,
    status,
    problem,
    notice,
    dismissNotice: () => setNotice(null),
    backlogLoading,
    /** A clock for relative times, ticking once a second. */
    now,
    /** The log as it was when the Live stream was paused, or null while following it. */
    paused,
    togglePause() {
      setPaused((p) => (p ? null : current.log));
    },
    /** One stored event by sequence id: from the page if held, else from the server's ring. */
    async eventBySeq(seq: number): Promise<NormalizedEvent | null> {
      return findEvent(current.log, seq) ?? (await api.event(seq));
    },
    start: () => void load(),
    /** After the user gives a token: everything loads again with it. */
    setToken(token: string | null) {
      onTokenChange?.(token);
      stream.stop();
      batch(() => {
        setProblem(null);
        setStatus("connecting");
      });
      void load();
    },
  };
}

const AppContext = createContext<AppCtx>();

export function AppProvider(props: ParentProps<{ ctx: AppCtx }>) {
  return <AppContext.Provider value={props.ctx}>{props.children}</AppContext.Provider>;
}

export function useApp(): AppCtx {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error("useApp outside AppProvider");
  return ctx;
}
