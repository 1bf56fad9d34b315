export type SseFrame = { id?: string; event?: string; data?: string; comment?: string; retry?: string };

/** Polls `cond` until true; fails after `timeoutMs`. For conditions with no event to await. */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A minimal SSE reader over fetch: frames are parsed as they arrive; `next()` awaits the next one. */
export async function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: controller.signal });
  if (!res.ok || !res.body) throw new Error(`stream ${url}: ${res.status} ${await res.text()}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const frames: SseFrame[] = [];
  let buffer = "";
  let ended = false;
  let waiter = null as (() => void) | null;

  (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        let idx = buffer.indexOf("\n\n");
        while (idx !== -1) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const frame: SseFrame = {};
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) frame.comment = line.slice(1).trim();
            else {
              const colon = line.indexOf(":");
              const key = line.slice(0, colon) as keyof SseFrame;
              frame[key] = line.slice(colon + 1).trimStart();
            }
          }
          frames.push(frame);
          idx = buffer.indexOf("\n\n");
        }
        waiter?.();
      }
    } catch {
      // aborted
    }
    ended = true;
    waiter?.();
  })();

  let cursor = 0;
  return {
    response: res,
    frames,
    get ended() {
      return ended;
    },
    /** Resolves with the next frame matching `pred` (default: any), in arrival order. */
    async next(pred: (f: SseFrame) => boolean = () => true, timeoutMs = 5000): Promise<SseFrame> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (cursor < frames.length) {
          const f = frames[cursor++]!;
          if (pred(f)) return f;
        }
        if (ended) throw new Error("stream ended");
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error("timed out waiting for an SSE frame");
        await new Promise<void>((resolve) => {
          waiter = resolve;
          setTimeout(resolve, remaining);
        });
      }
    },
    /** Reads frames until `count` event frames arrived; returns their parsed data. */
    async events(count: number): Promise<Array<{ seq: number; [k: string]: unknown }>> {
      const out = [];
      while (out.length < count) out.push(JSON.parse((await this.next((f) => f.event === "event")).data!));
      return out;
    },
    close() {
      controller.abort();
    },
  };
}
