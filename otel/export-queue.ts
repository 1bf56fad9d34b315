/**
 * The bounded queue between span recording and the exporter. Recording never waits: a full
 * queue drops (and counts) the newest span. Batches go out a few at a time; a retryable
 * failure is retried with exponential backoff, then given up and counted as failed.
 */

export type SendResult =
  /** `lost`: items of the batch that could not be sent at all (counted as dropped, not exported). */
  | { ok: true; lost?: number; rejected?: number; rejectedMessage?: string }
  | {
      ok: false;
      error: string;
      retryable: boolean;
      retryAfterMs?: number;
      /** The receiver refused the request for its size (HTTP 413): halves of the batch may pass. */
      tooLarge?: boolean;
      /** No answer at all (connection refused, reset, timed out): the next request would fare the same. */
      unreachable?: boolean;
    };

export type Scheduler = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export type ExportQueueOptions<T> = {
  send(batch: T[]): Promise<SendResult>;
  batchSize: number;
  delayMs: number;
  maxQueue: number;
  /** Extra attempts for a batch after a retryable failure. */
  retries: number;
  /** Export requests in flight at once (default 1). */
  maxInFlight?: number;
  scheduler?: Scheduler;
  /** Told about every failed attempt; `final` when the batch is given up. */
  onError?(error: string, spans: number, final: boolean): void;
  onRecovered?(): void;
};

export type QueueStats = {
  exported: number;
  dropped: number;
  failed: number;
  queued: number;
  lastError: string | null;
};

// First retry after 1 s, doubling to at most 30 s: a collector restart takes seconds, and a
// down backend should not be hammered (the OTLP spec asks for exponential backoff).
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 30_000;

export function retryDelayMs(attempt: number, retryAfterMs?: number): number {
  const backoff = Math.min(RETRY_BASE_MS * 2 ** (attempt - 1), RETRY_MAX_MS);
  return Math.min(Math.max(backoff, retryAfterMs ?? 0), RETRY_MAX_MS);
}

export const realScheduler: Scheduler = {
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    // Pending exports must not keep a finished process alive; shutdown flushes explicitly.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A batch and the attempts it has had: each batch gets its own `retries`, whatever the others do. */
type Batch<T> = { items: T[]; attempt: number };

export function createExportQueue<T>(opts: ExportQueueOptions<T>) {
  const scheduler = opts.scheduler ?? realScheduler;
  const maxInFlight = Math.max(1, opts.maxInFlight ?? 1);
  let queue: T[] = [];
  // Batches waiting for another attempt, oldest first; they go before anything new.
  let retrying: Batch<T>[] = [];
  let retryingItems = 0;
  let inFlight = 0;
  const sending = new Set<Promise<void>>();
  let timer: { handle: unknown; backoff: boolean } | null = null;
  let flushing = 0;
  let failing = false;
  const stats = { exported: 0, dropped: 0, failed: 0 };
  let lastError: string | null = null;

  function clearTimer() {
    if (timer) scheduler.clearTimeout(timer.handle);
    timer = null;
  }

  function waiting(): number {
    return queue.length + retryingItems;
  }

  function schedule() {
    if (sending.size >= maxInFlight || waiting() === 0 || flushing > 0) return;
    const full = retrying.length > 0 || queue.length >= opts.batchSize;
    if (timer && (timer.backoff || !full)) return;
    clearTimer();
    // Never send from push() itself: push runs on the ingest path, serialization must not.
    timer = { handle: scheduler.setTimeout(run, full ? 0 : opts.delayMs), backoff: false };
  }

  function run() {
    timer = null;
    while (sending.size < maxInFlight && waiting() > 0) startSend();
  }

  function startSend(): Promise<void> {
    const done: Promise<void> = sendOnce().finally(() => {
      sending.delete(done);
      schedule();
    });
    sending.add(done);
    return done;
  }

  function takeBatch(): Batch<T> {
    const retry = retrying.shift();
    if (retry) {
      retryingItems -= retry.items.length;
      return retry;
    }
    return { items: queue.splice(0, opts.batchSize), attempt: 0 };
  }

  /** `first`: ahead of the other retries (a split batch); else after them, so the oldest goes first. */
  function requeue(batches: Batch<T>[], first: boolean): void {
    retrying = first ? batches.concat(retrying) : retrying.concat(batches);
    for (const b of batches) retryingItems += b.items.length;
  }

  /** Everything still waiting is given up (shutdown with an unreachable receiver). */
  function abandonWaiting(): void {
    stats.failed += waiting();
    queue = [];
    retrying = [];
    retryingItems = 0;
  }

  async function sendOnce(): Promise<void> {
    const batch = takeBatch();
    const size = batch.items.length;
    inFlight += size;
    let result: SendResult;
    try {
      result = await opts.send(batch.items);
    } catch (err) {
      result = { ok: false, error: err instanceof Error ? err.message : String(err), retryable: true };
    }
    inFlight -= size;
    if (result.ok) {
      const lost = result.lost ?? 0;
      // Spans the receiver took the request for but refused (OTLP partial success): not retried (spec).
      const rejected = Math.min(result.rejected ?? 0, size - lost);
      stats.exported += size - lost - rejected;
      stats.dropped += lost;
      stats.failed += rejected;
      if (failing) opts.onRecovered?.();
      failing = false;
      // lastError says what is wrong now: once a batch goes through whole, the trouble is over (the
      // failed counter and the log keep its record), and /health must not look broken.
      lastError = rejected > 0 ? (result.rejectedMessage ?? `the receiver rejected ${rejected} spans`) : null;
      if (lastError) opts.onError?.(lastError, rejected, true);
      return;
    }
    lastError = result.error;
    failing = true;
    if (result.tooLarge && size > 1) {
      // Halves go back at once, without backoff: the receiver is fine, only the request was too big.
      const half = Math.ceil(size / 2);
      requeue(
        [
          { items: batch.items.slice(0, half), attempt: batch.attempt },
          { items: batch.items.slice(half), attempt: batch.attempt },
        ],
        true,
      );
      opts.onError?.(`${result.error} (sending it in smaller requests)`, size, false);
      return;
    }
    const retry = result.retryable && batch.attempt < opts.retries && flushing === 0;
    opts.onError?.(result.error, size, !retry);
    if (!retry) {
      stats.failed += size;
      // At shutdown, a receiver that is down or does not answer would cost one request timeout
      // per remaining batch: what waits is given up at once (counted) so the exit is prompt. A
      // receiver that answers (429, 503) gets its one attempt per batch.
      if (flushing > 0 && result.unreachable) abandonWaiting();
      return;
    }
    requeue([{ items: batch.items, attempt: batch.attempt + 1 }], false);
    // A backoff timer holds back every send (not only this batch's): the receiver is struggling.
    clearTimer();
    timer = {
      handle: scheduler.setTimeout(run, retryDelayMs(batch.attempt + 1, result.retryAfterMs)),
      backoff: true,
    };
  }

  return {
    push(item: T): void {
      if (waiting() + inFlight >= opts.maxQueue) {
        stats.dropped++;
        return;
      }
      queue.push(item);
      schedule();
    },
    /**
     * Sends everything queued now, one attempt per batch (no backoff waits): for shutdown. The
     * first failure that says the receiver is unreachable gives up the rest (counted as failed).
     */
    async flush(): Promise<void> {
      flushing++;
      clearTimer();
      try {
        for (;;) {
          while (sending.size < maxInFlight && waiting() > 0) startSend();
          if (sending.size === 0) break;
          await Promise.race(sending);
        }
      } finally {
        flushing--;
        schedule();
      }
    },
    stats(): QueueStats {
      return { ...stats, queued: waiting() + inFlight, lastError };
    },
  };
}
