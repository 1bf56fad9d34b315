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

/**
 * Collects items and hands them over in one batch per frame, so a burst of 1,000 messages costs
 * one state update and one render instead of a thousand. It adapts by itself: when rendering
 * takes longer, frames come less often and each batch carries more.
 */
export function createFrameQueue<T>(flush: (items: T[]) => void, schedule: FrameScheduler = animationFrameScheduler()) {
  let items: T[] = [];
  let scheduled = false;
  function run() {
    scheduled = false;
    const batch = items;
    items = [];
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
