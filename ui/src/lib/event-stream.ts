import type { StreamMessage } from "../../../src/schema/wire.ts";
import { decodeStreamMessage, STREAM_KINDS } from "./decode-message.ts";

export type StreamStatus = "connecting" | "live" | "reconnecting" | "offline";

type EventSourceLike = {
  addEventListener(type: string, listener: (e: MessageEvent) => void): void;
  onopen: ((e: Event) => void) | null;
  onerror: ((e: Event) => void) | null;
  close(): void;
};

export type EventStreamOptions = {
  /** Stream address for a resume point (null: start at the newest event). */
  url: (lastEventId: number | null) => string;
  onMessage: (msg: StreamMessage) => void;
  onStatus: (status: StreamStatus) => void;
  /** Called on each failed attempt, e.g. to probe whether the token or the server is the problem. */
  onFailure?: (attempt: number) => void;
  createSource?: (url: string) => EventSourceLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Consecutive failed attempts before the badge says offline instead of reconnecting. */
  offlineAfter?: number;
};

/** Delay before reconnect attempt n (1-based): quick first retries, then the server's 2 s retry pace. */
export function reconnectDelay(attempt: number): number {
  return Math.min(2000, 250 * 2 ** Math.max(0, attempt - 1));
}

export type EventStream = ReturnType<typeof createEventStream>;

/**
 * One SSE connection with our own reconnect loop instead of EventSource's: after a drop we
 * reopen with `?lastEventId=` set to the last event we applied, so the server replays exactly
 * what we missed, and after a `reset` or a refetch the caller can move the resume point.
 */
export function createEventStream({
  url,
  onMessage,
  onStatus,
  onFailure,
  createSource = (u) => new EventSource(u) as unknown as EventSourceLike,
  setTimer = (fn, ms) => setTimeout(fn, ms),
  clearTimer = (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  offlineAfter = 3,
}: EventStreamOptions) {
  let source: EventSourceLike | null = null;
  let timer: unknown = null;
  let lastEventId: number | null = null;
  let attempt = 0;
  let stopped = true;

  function handle(kind: string, e: MessageEvent) {
    const msg = decodeStreamMessage(kind, typeof e.data === "string" ? e.data : "");
    if (!msg) return;
    if (msg.kind === "hello") {
      attempt = 0;
      onStatus("live");
    }
    if (msg.kind === "event") lastEventId = Math.max(lastEventId ?? 0, msg.data.seq);
    onMessage(msg);
    // The server closes after `overflow`; reconnecting at once resumes from the last applied id.
    if (msg.kind === "overflow") reopen(0);
  }

  function open() {
    if (stopped) return;
    const s = createSource(url(lastEventId));
    source = s;
    for (const kind of STREAM_KINDS) s.addEventListener(kind, (e) => source === s && handle(kind, e));
    s.onerror = () => {
      if (source !== s) return;
      attempt++;
      onFailure?.(attempt);
      onStatus(attempt >= offlineAfter ? "offline" : "reconnecting");
      reopen(reconnectDelay(attempt));
    };
  }

  function reopen(delayMs: number) {
    source?.close();
    source = null;
    if (timer !== null) clearTimer(timer);
    timer = setTimer(() => {
      timer = null;
      open();
    }, delayMs);
  }

  return {
    /** Connects (or reconnects now) resuming after `fromId`; null means "from now on". */
    start(fromId: number | null) {
      stopped = false;
      lastEventId = fromId;
      if (attempt === 0) onStatus("connecting");
      reopen(0);
    },
    stop() {
      stopped = true;
      source?.close();
      source = null;
      if (timer !== null) clearTimer(timer);
      timer = null;
    },
    lastEventId: () => lastEventId,
  };
}
