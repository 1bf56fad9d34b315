import { describe, expect, it } from "vitest";
import { createFrameQueue } from "../../ui/src/lib/frame-queue.ts";

function setup() {
  const frames: Array<() => void> = [];
  const batches: number[][] = [];
  const queue = createFrameQueue<number>(
    (items) => batches.push(items),
    (run) => frames.push(run),
  );
  /** One animation frame. */
  const frame = () => {
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

  it("asks for one frame per batch, however many items arrive before it", () => {
    const { queue, batches, frame, frames } = setup();
    for (let f = 0; f < 5; f++) {
      for (let i = 0; i < 17; i++) queue.push(f * 17 + i); // ~1,000 events/s at 60 frames/s
      expect(frames).toHaveLength(1);
      frame();
    }
    expect(batches.map((b) => b.length)).toEqual([17, 17, 17, 17, 17]);
    expect(batches.flat()).toEqual(Array.from({ length: 85 }, (_, i) => i));
  });

  it("drops what is queued on clear", () => {
    const { queue, batches, frame } = setup();
    queue.push(1);
    queue.clear();
    frame();
    expect(batches).toEqual([]);
  });
});
