import { describe, expect, it } from "vitest";
import { createExportQueue, retryDelayMs, type SendResult } from "../../otel/export-queue.ts";
import { createManualScheduler, settle } from "./helpers/manual-scheduler.ts";

type Call = { batch: number[]; resolve(result: SendResult): void };

/** A queue whose sends are answered by the test, on a manual clock. */
function setup(
  options: { batchSize?: number; delayMs?: number; maxQueue?: number; retries?: number; maxInFlight?: number } = {},
) {
  const clock = createManualScheduler();
  const calls: Call[] = [];
  const errors: Array<{ error: string; spans: number; final: boolean }> = [];
  let recovered = 0;
  const queue = createExportQueue<number>({
    batchSize: options.batchSize ?? 3,
    delayMs: options.delayMs ?? 1000,
    maxQueue: options.maxQueue ?? 10,
    retries: options.retries ?? 2,
    maxInFlight: options.maxInFlight,
    scheduler: clock.scheduler,
    send: (batch) => new Promise((resolve) => calls.push({ batch, resolve })),
    onError: (error, spans, final) => errors.push({ error, spans, final }),
    onRecovered: () => recovered++,
  });
  return { clock, calls, errors, queue, recovered: () => recovered };
}

const FAIL: SendResult = { ok: false, error: "connection refused", retryable: true };

describe("export queue", () => {
  it("sends a partial batch after the delay and a full batch at once", async () => {
    const { clock, calls, queue } = setup();
    queue.push(1);
    queue.push(2);
    clock.advance(999);
    expect(calls).toEqual([]);
    clock.advance(1);
    expect(calls.map((c) => c.batch)).toEqual([[1, 2]]);
    calls[0]!.resolve({ ok: true });
    await settle();
    for (const n of [3, 4, 5]) queue.push(n);
    clock.advance(0);
    expect(calls.map((c) => c.batch)).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it("keeps one request in flight and sends the rest when it settles", async () => {
    const { clock, calls, queue } = setup();
    for (let i = 1; i <= 7; i++) queue.push(i);
    clock.advance(0);
    expect(calls.length).toBe(1);
    expect(queue.stats().queued).toBe(7);
    calls[0]!.resolve({ ok: true });
    await settle();
    clock.advance(0);
    expect(calls.map((c) => c.batch)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    calls[1]!.resolve({ ok: true });
    await settle();
    clock.advance(1000);
    calls[2]!.resolve({ ok: true });
    await settle();
    expect(queue.stats()).toEqual({ exported: 7, dropped: 0, failed: 0, queued: 0, lastError: null });
  });

  it("drops and counts the newest items when the queue is full, never blocking the caller", () => {
    const { queue } = setup({ maxQueue: 4, batchSize: 100 });
    for (let i = 0; i < 10; i++) queue.push(i);
    expect(queue.stats()).toMatchObject({ queued: 4, dropped: 6 });
  });

  it("keeps up to maxInFlight requests going at once", async () => {
    const { clock, calls, queue } = setup({ maxInFlight: 2 });
    for (let i = 1; i <= 9; i++) queue.push(i);
    clock.advance(0);
    expect(calls.map((c) => c.batch)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    calls[1]!.resolve({ ok: true });
    await settle();
    clock.advance(0);
    expect(calls.map((c) => c.batch)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(queue.stats()).toMatchObject({ exported: 3, queued: 6 });
  });

  it("retries a retryable failure with exponential backoff, then gives the batch up as failed", async () => {
    const { clock, calls, errors, queue } = setup({ retries: 2 });
    queue.push(1);
    clock.advance(1000);
    calls[0]!.resolve(FAIL);
    await settle();
    expect(clock.pending()).toEqual([retryDelayMs(1)]);
    clock.advance(retryDelayMs(1));
    expect(calls.length).toBe(2);
    calls[1]!.resolve(FAIL);
    await settle();
    expect(clock.pending()).toEqual([retryDelayMs(2)]);
    clock.advance(retryDelayMs(2));
    calls[2]!.resolve(FAIL);
    await settle();
    expect(calls.map((c) => c.batch)).toEqual([[1], [1], [1]]);
    expect(errors.map((e) => e.final)).toEqual([false, false, true]);
    expect(queue.stats()).toEqual({ exported: 0, dropped: 0, failed: 1, queued: 0, lastError: "connection refused" });
    expect([retryDelayMs(1), retryDelayMs(2), retryDelayMs(9)]).toEqual([1000, 2000, 30_000]);
  });

  it("does not retry a failure the receiver says is permanent (e.g. HTTP 400)", async () => {
    const { clock, calls, queue } = setup();
    queue.push(1);
    clock.advance(1000);
    calls[0]!.resolve({ ok: false, error: "HTTP 400", retryable: false });
    await settle();
    expect(clock.pending()).toEqual([]);
    expect(queue.stats().failed).toBe(1);
  });

  it("honours Retry-After when it asks for a longer pause than the backoff", async () => {
    const { clock, calls, queue } = setup();
    queue.push(1);
    clock.advance(1000);
    calls[0]!.resolve({ ok: false, error: "HTTP 429", retryable: true, retryAfterMs: 7000 });
    await settle();
    expect(clock.pending()).toEqual([7000]);
  });

  it("resumes after the receiver comes back and says so once", async () => {
    const { clock, calls, queue, recovered } = setup({ retries: 0 });
    queue.push(1);
    clock.advance(1000);
    calls[0]!.resolve(FAIL);
    await settle();
    queue.push(2);
    clock.advance(1000);
    expect(queue.stats().lastError).not.toBeNull();
    calls[1]!.resolve({ ok: true });
    await settle();
    // The failure stays counted; lastError is what is wrong now, and nothing is.
    expect(queue.stats()).toMatchObject({ exported: 1, failed: 1, queued: 0, lastError: null });
    expect(recovered()).toBe(1);
  });

  it("flushes everything queued without waiting for delays or backoff, one attempt per batch", async () => {
    const { clock, calls, queue } = setup({ retries: 5 });
    for (let i = 1; i <= 5; i++) queue.push(i);
    const flushed = queue.flush();
    await settle();
    expect(calls.map((c) => c.batch)).toEqual([[1, 2, 3]]);
    calls[0]!.resolve({ ok: false, error: "HTTP 400", retryable: false });
    await settle();
    expect(calls.map((c) => c.batch)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    calls[1]!.resolve({ ok: true });
    await flushed;
    expect(clock.pending()).toEqual([]);
    expect(queue.stats()).toMatchObject({ exported: 2, failed: 3, queued: 0 });
  });

  it("gives every batch its own retries when several requests fail at once (receiver restarting)", async () => {
    const clock = createManualScheduler();
    const attempts = new Map<number, number>();
    let down = true;
    const queue = createExportQueue<number>({
      batchSize: 1,
      delayMs: 0,
      maxQueue: 100,
      retries: 4,
      maxInFlight: 4,
      scheduler: clock.scheduler,
      send: async ([n]) => {
        attempts.set(n!, (attempts.get(n!) ?? 0) + 1);
        return down ? FAIL : { ok: true };
      },
    });
    for (let i = 1; i <= 8; i++) queue.push(i);
    // Down for the first three rounds of attempts (about 7 s with backoff), then back.
    for (let round = 0; round < 3; round++) {
      clock.advance(retryDelayMs(4));
      await settle();
    }
    down = false;
    for (let round = 0; round < 10 && queue.stats().queued > 0; round++) {
      clock.advance(retryDelayMs(4));
      await settle();
    }
    expect(queue.stats()).toMatchObject({ exported: 8, failed: 0, queued: 0 });
    for (const n of attempts.values()) expect(n).toBeLessThanOrEqual(5);
  });

  it("retries failed batches oldest first", async () => {
    const { clock, calls, queue } = setup({ batchSize: 1, maxInFlight: 3 });
    for (const n of [1, 2, 3]) queue.push(n);
    clock.advance(1000);
    for (const c of calls.slice(0, 3)) c.resolve(FAIL);
    await settle();
    clock.advance(retryDelayMs(1));
    expect(calls.slice(3).map((c) => c.batch)).toEqual([[1], [2], [3]]);
  });

  it("at shutdown gives up what waits once the receiver is unreachable, instead of one timeout per batch", async () => {
    const { calls, queue, errors } = setup({ batchSize: 2, maxQueue: 100 });
    for (let i = 1; i <= 9; i++) queue.push(i);
    const flushed = queue.flush();
    await settle();
    expect(calls.length).toBe(1);
    calls[0]!.resolve({ ok: false, error: "timed out", retryable: true, unreachable: true });
    await flushed;
    expect(calls.length).toBe(1);
    expect(queue.stats()).toMatchObject({ exported: 0, failed: 9, queued: 0 });
    expect(errors.at(-1)).toMatchObject({ final: true });
  });

  it("at shutdown gives every batch its attempt while the receiver answers, even with 503", async () => {
    const { calls, queue } = setup({ batchSize: 2, maxQueue: 100 });
    for (let i = 1; i <= 5; i++) queue.push(i);
    const flushed = queue.flush();
    await settle();
    calls[0]!.resolve({ ok: false, error: "HTTP 503", retryable: true });
    await settle();
    calls[1]!.resolve({ ok: true });
    await settle();
    calls[2]!.resolve({ ok: true });
    await flushed;
    expect(calls.map((c) => c.batch)).toEqual([[1, 2], [3, 4], [5]]);
    expect(queue.stats()).toMatchObject({ exported: 3, failed: 2, queued: 0 });
  });

  it("splits a batch the receiver found too large (HTTP 413) and sends the halves at once", async () => {
    const { clock, calls, queue } = setup({ batchSize: 4, maxQueue: 100 });
    for (let i = 1; i <= 4; i++) queue.push(i);
    clock.advance(0);
    calls[0]!.resolve({ ok: false, error: "HTTP 413", retryable: false, tooLarge: true });
    await settle();
    clock.advance(0);
    expect(calls.slice(1).map((c) => c.batch)).toEqual([[1, 2]]);
    calls[1]!.resolve({ ok: false, error: "HTTP 413", retryable: false, tooLarge: true });
    await settle();
    clock.advance(0);
    calls[2]!.resolve({ ok: true });
    await settle();
    clock.advance(0);
    calls[3]!.resolve({ ok: false, error: "HTTP 413", retryable: false, tooLarge: true }); // one span alone: given up
    await settle();
    clock.advance(0);
    calls[4]!.resolve({ ok: true });
    await settle();
    expect(calls.map((c) => c.batch)).toEqual([[1, 2, 3, 4], [1, 2], [1], [2], [3, 4]]);
    expect(queue.stats()).toMatchObject({ exported: 3, failed: 1, queued: 0 });
  });

  it("counts spans the receiver rejected in a partial success as failed, not exported", async () => {
    const { clock, calls, queue, errors } = setup({ batchSize: 3 });
    for (const n of [1, 2, 3]) queue.push(n);
    clock.advance(0);
    calls[0]!.resolve({ ok: true, rejected: 2, rejectedMessage: "HTTP 200 from x: 2 spans rejected: bad id" });
    await settle();
    expect(queue.stats()).toMatchObject({
      exported: 1,
      failed: 2,
      lastError: "HTTP 200 from x: 2 spans rejected: bad id",
    });
    expect(errors).toEqual([{ error: "HTTP 200 from x: 2 spans rejected: bad id", spans: 2, final: true }]);
  });

  it("counts a send that throws as a failed attempt", async () => {
    const clock = createManualScheduler();
    const queue = createExportQueue<number>({
      batchSize: 10,
      delayMs: 0,
      maxQueue: 10,
      retries: 0,
      scheduler: clock.scheduler,
      send: async () => {
        throw new Error("boom");
      },
    });
    queue.push(1);
    clock.advance(0);
    await settle();
    expect(queue.stats()).toMatchObject({ failed: 1, lastError: "boom" });
  });
});
