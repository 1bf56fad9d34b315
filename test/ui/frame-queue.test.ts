import { describe, expect, it } from "vitest";
import { createFrameQueue } from "../../ui/src/lib/frame-queue.ts";

function setup(opts: { busyBatch?: number; busyIntervalMs?: number } = {}) {
  let now = 0;
  const frames: Array<() => void> = [];
  const batches: number[][] = [];
  const queue = createFrameQueue<number>((items) => batches.push(items), {
    schedule: (run) => frames.push(run),
    now: () => now,
    ...opts,
  });
  /** One animation frame, 16 ms after the last. */
  const frame = () => {
    now += 16;
    for (const run of frames.splice(0)) run();
  };
  return { queue, batches, frame, frames };
}

describe("frame queue", () => {
  it("hands everything pushed before a frame over as one batch, in order", () => {
    const { queue, batches, frame } = setup();
    for (let i = 1; i <= 5; i++) queue.push(i);
    expect(batches).toEqual([]);
    frame();
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
    frame();
    expect(batches).toHaveLength(1);
  });

  it("flushes every frame while the stream is quiet", () => {
    const { queue, batches, frame } = setup({ busyBatch: 8 });
    for (let f = 0; f < 5; f++) {
      queue.push(f);
      frame();
    }
    expect(batches).toEqual([[0], [1], [2], [3], [4]]);
  });

  it("hands over at most once per busy interval while batches are large, losing nothing", () => {
    const { queue, batches, frame } = setup({ busyBatch: 8, busyIntervalMs: 33 });
    let pushed = 0;
    for (let f = 0; f < 12; f++) {
      for (let i = 0; i < 17; i++) queue.push(pushed++); // ~1,000 events/s at 60 frames/s
      frame();
    }
    while (queue.size > 0) frame();
    // 12 frames of 16 ms: the first batch, then one every third frame (≥ 33 ms apart) plus the tail.
    expect(batches.length).toBeLessThanOrEqual(6);
    expect(batches.flat()).toEqual(Array.from({ length: pushed }, (_, i) => i));
  });

  it("drops what is queued on clear", () => {
    const { queue, batches, frame } = setup();
    queue.push(1);
    queue.clear();
    frame();
    expect(batches).toEqual([]);
  });
});
