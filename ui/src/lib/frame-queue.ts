export type FrameScheduler = (run: () => void) => void;

// A hidden tab gets no animation frames; the timer bound keeps the queue from growing unbounded
// while events keep arriving, at a pace that costs nothing when nobody is looking.
const HIDDEN_FLUSH_MS = 250;

/** requestAnimationFrame, or a timer when frames stop (hidden tab) or do not exist (tests). */
export function animationFrameScheduler(): FrameScheduler {
  return (run) => {
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      run();
    };
    if (typeof requestAnimationFrame === "function") requestAnimationFrame(once);
    setTimeout(once, HIDDEN_FLUSH_MS);
  };
}

export type FrameQueueOptions = {
  schedule?: FrameScheduler;
  /** A batch this large means a busy stream… */
  busyBatch?: number;
  /** …and then batches are handed over at most this often, so rendering cannot eat every frame. */
  busyIntervalMs?: number;
  now?: () => number;
};

/**
 * Collects items and hands them over in one batch per frame, so a burst of 1,000 messages costs
 * one state update and one render instead of a thousand. Under a busy stream it hands over at
 * most every `busyIntervalMs`: repainting a moving table 60 times a second leaves no time for
 * input, while 30 updates a second still read as live.
 */
export function createFrameQueue<T>(
  flush: (items: T[]) => void,
  {
    schedule = animationFrameScheduler(),
    busyBatch = 8,
    busyIntervalMs = 33,
    now = () => performance.now(),
  }: FrameQueueOptions = {},
) {
  let items: T[] = [];
  let scheduled = false;
  let lastFlush = Number.NEGATIVE_INFINITY;
  let lastSize = 0;
  function run() {
    if (lastSize >= busyBatch && now() - lastFlush < busyIntervalMs) {
      schedule(run);
      return;
    }
    scheduled = false;
    const batch = items;
    items = [];
    lastSize = batch.length;
    lastFlush = now();
    if (batch.length > 0) flush(batch);
  }
  return {
    push(item: T) {
      items.push(item);
      if (!scheduled) {
        scheduled = true;
        schedule(run);
      }
    },
    /** Drops what is queued (the state it applies to was thrown away). */
    clear() {
      items = [];
    },
    get size() {
      return items.length;
    },
  };
}

/** Runs `fn` at most once per `ms`, always once more after the last call (trailing edge). */
export function createThrottle(fn: () => void, ms: number) {
  let last = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | null = null;
  function fire() {
    timer = null;
    last = Date.now();
    fn();
  }
  return {
    call() {
      if (timer !== null) return;
      const wait = last + ms - Date.now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
