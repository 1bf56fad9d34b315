/**
 * The bounded queue between span recording and the exporter. Recording never waits: a full
 * queue drops (and counts) the newest span. Batches go out one at a time; a retryable
 * failure is retried with exponential backoff, then given up and counted as failed.
 */

export type SendResult =
  /** `lost`: items of the batch that could not be sent at all (counted as dropped, not exported). */
  { ok: true; lost?: number } | { ok: false; error: string; retryable: boolean; retryAfterMs?: number };

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

export function createExportQueue<T>(opts: ExportQueueOptions<T>) {
  const scheduler = opts.scheduler ?? realScheduler;
  const maxInFlight = Math.max(1, opts.maxInFlight ?? 1);
  let queue: T[] = [];
  let inFlight = 0;
  const sending = new Set<Promise<void>>();
  let timer: { handle: unknown; backoff: boolean } | null = null;
  let attempt = 0;
  let flushing = 0;
  let failing = false;
  const stats = { exported: 0, dropped: 0, failed: 0 };
  let lastError: string | null = null;

  function clearTimer() {
    if (timer) scheduler.clearTimeout(timer.handle);
    timer = null;
  }

  function schedule() {
    if (sending.size >= maxInFlight || queue.length === 0 || flushing > 0) return;
    const full = queue.length >= opts.batchSize;
    if (timer && (timer.backoff || !full)) return;
    clearTimer();
    // Never send from push() itself: push runs on the ingest path, serialization must not.
    timer = { handle: scheduler.setTimeout(run, full ? 0 : opts.delayMs), backoff: false };
  }

  function run() {
    timer = null;
    while (sending.size < maxInFlight && queue.length > 0) startSend();
  }

  function startSend(): Promise<void> {
    const done: Promise<void> = sendOnce().finally(() => {
      sending.delete(done);
      schedule();
    });
    sending.add(done);
    return done;
  }

  async function sendOnce(): Promise<void> {
    const batch = queue.splice(0, opts.batchSize);
    inFlight += batch.length;
    let result: SendResult;
    try {
      result = await opts.send(batch);
    } catch (err) {
      result = { ok: false, error: err instanceof Error ? err.message : String(err), retryable: true };
    }
    inFlight -= batch.length;
    if (result.ok) {
      stats.exported += batch.length - (result.lost ?? 0);
      stats.dropped += result.lost ?? 0;
      attempt = 0;
      if (failing) opts.onRecovered?.();
      failing = false;
      return;
    }
    lastError = result.error;
    failing = true;
    const retry = result.retryable && attempt < opts.retries && flushing === 0;
    opts.onError?.(result.error, batch.length, !retry);
    if (!retry) {
      stats.failed += batch.length;
      return;
    }
    attempt++;
    queue = batch.concat(queue);
    // A backoff timer holds back every send (not only this batch's): the receiver is struggling.
    clearTimer();
    timer = { handle: scheduler.setTimeout(run, retryDelayMs(attempt, result.retryAfterMs)), backoff: true };
  }

  return {
    push(item: T): void {
      if (queue.length + inFlight >= opts.maxQueue) {
        stats.dropped++;
        return;
      }
      queue.push(item);
      schedule();
    },
    /** Sends everything queued now, one attempt per batch (no backoff waits): for shutdown. */
    async flush(): Promise<void> {
      flushing++;
      clearTimer();
      try {
        for (;;) {
          while (sending.size < maxInFlight && queue.length > 0) startSend();
          if (sending.size === 0) break;
          await Promise.race(sending);
        }
      } finally {
        flushing--;
        schedule();
      }
    },
    stats(): QueueStats {
      return { ...stats, queued: queue.length + inFlight, lastError };
    },
  };
}
