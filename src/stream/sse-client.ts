import { concatBytes } from "../ingest/read-body.ts";
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
  /** The server run's tag on event ids (see toFrame). */
  runTag: string;
  onClose: (client: SseClient, reason: "closed" | "overflow") => void;
};

/**
 * One SSE connection with its own bounded queue. Frames arrive encoded (once per event, shared
 * by all clients). When the transport is waiting for data a frame goes straight through;
 * otherwise it waits in `#queue` — a client whose socket is backed up shows as a growing queue,
 * and past `queueLimit` it gets an `overflow` message and is closed, so nobody else waits for it.
 */
export class SseClient {
  readonly stream: ReadableStream<Uint8Array>;
  readonly filter: CompiledFilter;
  readonly sessionId: string | null;
  /** hello, stats and gap/reset: always the first bytes of the stream. */
  #head: Uint8Array | null;
  #queue: Uint8Array[] = [];
  #replay: { next: number; to: number } | null;
  #controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  #waiting: (() => void) | null = null;
  #closing = false;
  #cancelled = false;
  #notified = false;
  readonly #opts: ClientOptions;

  constructor(initial: string[], opts: ClientOptions) {
    this.#opts = opts;
    this.filter = opts.filter;
    this.sessionId = opts.sessionId;
    this.#head = encoder.encode(initial.join(""));
    this.#replay =
      opts.replay && opts.replay.from <= opts.replay.to ? { next: opts.replay.from, to: opts.replay.to } : null;
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: (controller) => this.#pull(controller),
        cancel: () => this.#cancel(),
      },
      { highWaterMark: 1 },
    );
  }

  get queued(): number {
    return this.#queue.length;
  }

  #pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> | undefined {
    if (this.#cancelled) return;
    if (this.#head) {
      controller.enqueue(this.#head);
      this.#head = null;
      return;
    }
    // The replay goes out before anything queued meanwhile: a live event sent between replay
    // batches would arrive out of order, and a client that reconnected right after it would
    // resume from its id and never see the rest of the replay.
    if (this.#replay) {
      const chunk = this.#replayBatch(this.#replay);
      if (chunk) {
        controller.enqueue(chunk);
        return;
      }
      return this.#pull(controller);
    }
    if (this.#queue.length > 0) {
      controller.enqueue(concatBytes(this.#queue));
      this.#queue = [];
      if (this.#closing) controller.close();
      return;
    }
    if (this.#closing) {
      controller.close();
      return;
    }
    // Nothing to send: the next push delivers directly and resolves this pull.
    return new Promise<void>((resolve) => {
      this.#waiting = resolve;
    });
  }

  #replayBatch(r: { next: number; to: number }): Uint8Array | null {
    const frames: string[] = [];
    // Sequence ids are contiguous, so an id the ring no longer holds was evicted while this
    // client replayed (it read slower than ingest filled the ring): say so, as on connect.
    let missed = 0;
    const gap = (oldestSeq: number) =>
      toFrame({ kind: "gap", data: { lastEventId: oldestSeq - missed - 1, oldestSeq, missed } });
    while (r.next <= r.to && frames.length < REPLAY_BATCH) {
      const seq = r.next++;
      const e = this.#opts.lookup(seq);
      if (!e) {
        missed++;
        continue;
      }
      if (missed > 0) frames.push(gap(seq));
      missed = 0;
      if (this.filter(e)) frames.push(toFrame({ kind: "event", data: e }, this.#opts.runTag));
    }
    if (missed > 0) frames.push(gap(r.next));
    if (r.next > r.to) this.#replay = null;
    return frames.length > 0 ? encoder.encode(frames.join("")) : null;
  }

  /** Delivers or queues an encoded frame; returns false when the client is closing (too slow, or gone). */
  push(frame: Uint8Array): boolean {
    if (this.#closing || this.#cancelled) return false;
    const waiting = this.#waiting;
    if (waiting && this.#head === null && this.#replay === null && this.#queue.length === 0) {
      this.#waiting = null;
      this.#controller!.enqueue(frame);
      waiting();
      return true;
    }
    if (this.#queue.length >= this.#opts.queueLimit) {
      const notice = toFrame({ kind: "overflow", data: { queued: this.#queue.length, limit: this.#opts.queueLimit } });
      // What is queued is of no use any more (the client resumes from its Last-Event-ID out of
      // the ring), and a client that never reads again would hold it for as long as its socket lives.
      this.#queue = [encoder.encode(notice)];
      this.#replay = null;
      this.#closing = true;
      this.#notify("overflow");
      this.#wake();
      return false;
    }
    this.#queue.push(frame);
    this.#wake();
    return true;
  }

  /** Ends the stream after what is queued (server shutdown). */
  close(): void {
    this.#closing = true;
    this.#replay = null;
    this.#notify("closed");
    this.#wake();
  }

  /** Lets a waiting pull run again (it will find the queue, the replay or the close). */
  #wake(): void {
    const waiting = this.#waiting;
    if (!waiting || !this.#controller) return;
    this.#waiting = null;
    const pulled = this.#pull(this.#controller);
    if (pulled) {
      // Still nothing to send (cannot happen after a push); keep waiting on the new promise.
      void pulled.then(waiting);
    } else waiting();
  }

  #cancel(): void {
    this.#cancelled = true;
    this.#queue = [];
    this.#notify("closed");
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.();
  }

  #notify(reason: "closed" | "overflow"): void {
    if (this.#notified) return;
    this.#notified = true;
    this.#opts.onClose(this, reason);
  }
}
