// A working session's page refetches its detail when the summary moves. A small session answers and
// renders in a few ms, so it refetches every MIN_GAP_MS and feels live. A session of 1,300 tool calls
// answers ~800 KB: at a fixed 500 ms, fetching, parsing and rendering it took most of the main
// thread. Waiting GAP_FACTOR times the last fetch + render after it finished keeps that work to at
// most a fifth of the time, whatever the session's size or the network; MAX_GAP_MS bounds how stale
// a huge or slow session may get.
export const MIN_GAP_MS = 500;
export const MAX_GAP_MS = 5000;
const GAP_FACTOR = 4;

/** How long to wait after a refetch finished before the next one, given how long it took. */
export function refetchGapMs(lastCostMs: number): number {
  return Math.min(MAX_GAP_MS, Math.max(MIN_GAP_MS, GAP_FACTOR * lastCostMs));
}

export type RefetchPace = ReturnType<typeof createRefetchPace>;

/**
 * Calls `refetch` when asked, never while one is under way, and never sooner than `refetchGapMs`
 * of the last one's cost after it finished; a request in between runs once, at the end of the wait.
 * The owner reports when a fetch starts (the first load too) and when its answer, or its failure, is
 * on the page (`started`, `finished`).
 */
export function createRefetchPace(refetch: () => void, now: () => number = Date.now) {
  let startedAt = 0;
  let doneAt = Number.NEGATIVE_INFINITY;
  let costMs = 0;
  let busy = false;
  let wanted = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  function fire() {
    timer = null;
    wanted = false;
    busy = true;
    startedAt = now();
    refetch();
  }
  function call() {
    if (busy) {
      wanted = true;
      return;
    }
    if (timer !== null) return;
    const wait = doneAt + refetchGapMs(costMs) - now();
    if (wait <= 0) fire();
    else timer = setTimeout(fire, wait);
  }
  return {
    call,
    started() {
      busy = true;
      startedAt = now();
    },
    finished() {
      if (!busy) return;
      busy = false;
      doneAt = now();
      costMs = doneAt - startedAt;
      if (wanted) call();
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
