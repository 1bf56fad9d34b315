import type { NormalizedEvent } from "../schema/mod.ts";
import type { CompiledFilter } from "../store/mod.ts";
import { toFrame } from "./sse-format.ts";

const encoder = new TextEncoder();
// Events written per pull during replay: large enough to be fast, small enough to interleave live events.
const REPLAY_BATCH = 200;

export type ClientOptions = {
  filter: CompiledFilter;
  sessionId: string | null;
  queueLimit: number;
  /** Replay events with seq in [from, to] (inclusive) before live ones. */
  replay: { from: number; to: number } | null;
  lookup: (seq: number) => NormalizedEvent | undefined;
  onClose: (client: SseClient, reason: "closed" | "overflow") => void;
};

/**
 * One SSE connection with its own bounded queue. The stream is pull-based: frames wait in
 * `#queue` until the transport asks for more, so a client whose socket is backed up shows as a
 * growing queue — past `queueLimit` it gets an `overflow` message and is closed, and nobody
 * else waits for it.
 */
export class SseClient {
  readonly stream: ReadableStream<Uint8Array>;
  readonly filter: CompiledFilter;
  readonly sessionId: string | null;
  #queue: string[] = [];
  #replay: { next: number; to: number } | null;
  #wake: (() => void) | null = null;
  #closing = false;
  #cancelled = false;
  #notified = false;
  readonly #opts: ClientOptions;

  constructor(initial: string[], opts: ClientOptions) {
    this.#opts = opts;
    this.filter = opts.filter;
    this.sessionId = opts.sessionId;
    this.#queue = initial;
    this.#replay =
      opts.replay && opts.replay.from <= opts.replay.to ? { next: opts.replay.from, to: opts.replay.to } : null;
    this.stream = new ReadableStream<Uint8Array>(
      {
        pull: (controller) => this.#pull(controller),
        cancel: () => this.#cancel(),
      },
      { highWaterMark: 1 },
    );
  }

  get queued(): number {
    return this.#queue.length;
  }

  async #pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    for (;;) {
      if (this.#cancelled) return;
      if (this.#queue.length > 0) {
        const text = this.#queue.join("");
        this.#queue = [];
        controller.enqueue(encoder.encode(text));
        if (this.#closing) controller.close();
        return;
      }
      if (this.#replay) {
        const frames = this.#replayBatch(this.#replay);
        if (frames.length > 0) {
          controller.enqueue(encoder.encode(frames.join("")));
          return;
        }
        continue;
      }
      if (this.#closing) {
        controller.close();
        return;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = null;
    }
  }

  #replayBatch(r: { next: number; to: number }): string[] {
    const frames: string[] = [];
    while (r.next <= r.to && frames.length < REPLAY_BATCH) {
      const e = this.#opts.lookup(r.next++);
      if (e && this.filter(e)) frames.push(toFrame({ kind: "event", data: e }));
    }
    if (r.next > r.to) this.#replay = null;
    return frames;
  }

  /** Queues a frame; returns false when the client is closing (too slow, or gone). */
  push(frame: string): boolean {
    if (this.#closing || this.#cancelled) return false;
    if (this.#queue.length >= this.#opts.queueLimit) {
      this.#queue.push(
        toFrame({ kind: "overflow", data: { queued: this.#queue.length, limit: this.#opts.queueLimit } }),
      );
      this.#closing = true;
      this.#notify("overflow");
      this.#wake?.();
      return false;
    }
    this.#queue.push(frame);
    this.#wake?.();
    return true;
  }

  /** Ends the stream after what is queued (server shutdown). */
  close(): void {
    this.#closing = true;
    this.#notify("closed");
    this.#wake?.();
  }

  #cancel(): void {
    this.#cancelled = true;
    this.#queue = [];
    this.#notify("closed");
    this.#wake?.();
  }

  #notify(reason: "closed" | "overflow"): void {
    if (this.#notified) return;
    this.#notified = true;
    this.#opts.onClose(this, reason);
  }
}
