/**
 * Log lines about export trouble, at most one per kind per interval: a backend that is down
 * for an hour must not write thousands of lines. The suppressed count rides on the next line.
 */
export function createRateLimitedLog(log: (line: string) => void, clock: { now(): number }, intervalMs: number) {
  const last = new Map<string, { at: number; suppressed: number }>();
  return function logLimited(kind: string, line: string): void {
    const now = clock.now();
    const entry = last.get(kind);
    if (entry && now - entry.at < intervalMs) {
      entry.suppressed++;
      return;
    }
    const extra = entry && entry.suppressed > 0 ? ` (${entry.suppressed} similar suppressed)` : "";
    last.set(kind, { at: now, suppressed: 0 });
    try {
      log(`${line}${extra}`);
    } catch {
      // A broken log sink must not break export.
    }
  };
}
