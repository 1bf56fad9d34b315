import { describe, expect, it } from "vitest";
import type { NormalizedEvent } from "../../src/schema/mod.ts";
import { toFrame } from "../../src/stream/mod.ts";
import { SseClient } from "../../src/stream/sse-client.ts";

// Only `seq` matters to the client and the frame format.
const event = (seq: number) => ({ seq, type: "Notification" }) as unknown as NormalizedEvent;
const frameOf = (seq: number) => new TextEncoder().encode(toFrame({ kind: "event", data: event(seq) }));

function client(opts: { replayTo?: number; queueLimit?: number; ring?: { oldest: number } } = {}) {
  const closed: string[] = [];
  const c = new SseClient([": hello\n\n"], {
    filter: () => true,
    sessionId: null,
    queueLimit: opts.queueLimit ?? 1000,
    replay: opts.replayTo ? { from: 1, to: opts.replayTo } : null,
    lookup: (seq) => (seq >= (opts.ring?.oldest ?? 1) ? event(seq) : undefined),
    runTag: "",
    onClose: (_, reason) => closed.push(reason),
  });
  // Read without a pipe: a pipe would pull ahead into its own buffers, as a socket does.
  const raw = c.stream.getReader();
  const decoder = new TextDecoder();
  const reader = {
    read: async () => {
      const r = await raw.read();
      return { done: r.done, value: r.done ? "" : decoder.decode(r.value) };
    },
  };
  return { c, reader, closed };
}

const idsIn = (text: string) => [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));

describe("one SSE client", () => {
  it("sends the whole replay before live events that arrive while it runs", async () => {
    const { c, reader } = client({ replayTo: 500 });
    let text = (await reader.read()).value!; // hello
    text += (await reader.read()).value!; // the first replay batch
    c.push(frameOf(501)); // a live event while the rest of the replay is still to go
    while (idsIn(text).length < 501) text += (await reader.read()).value!;
    expect(idsIn(text)).toEqual(Array.from({ length: 501 }, (_, i) => i + 1));
  });

  it("tells a client whose replay fell behind the ring which events it missed", async () => {
    const ring = { oldest: 1 };
    const { reader } = client({ replayTo: 500, ring });
    let text = (await reader.read()).value; // hello
    text += (await reader.read()).value; // 1..200
    ring.oldest = 451; // ingest evicted up to 450 while the client was reading (201..400 are pulled ahead)
    while (idsIn(text).at(-1) !== 500) text += (await reader.read()).value;
    expect(text).toContain('event: gap\ndata: {"lastEventId":400,"oldestSeq":451,"missed":50}\n\n');
    expect(idsIn(text)).toEqual([
      ...Array.from({ length: 400 }, (_, i) => i + 1),
      ...Array.from({ length: 50 }, (_, i) => i + 451),
    ]);
  });

  it("keeps only the overflow notice for a client that stopped reading", async () => {
    const { c, reader, closed } = client({ queueLimit: 8 });
    expect((await reader.read()).value).toContain("hello");
    // One frame may go straight to the stream's own one-chunk buffer; then the queue fills.
    for (let seq = 1; seq <= 20 && closed.length === 0; seq++) c.push(frameOf(seq));
    expect(closed).toEqual(["overflow"]);
    // The frames queued before the overflow are dropped: they would be held as long as the socket.
    expect(c.queued).toBe(1);
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
    expect(rest).toMatch(/event: overflow\ndata: \{"queued":8,"limit":8\}\n\n$/);
    expect(idsIn(rest).length).toBeLessThanOrEqual(1);
  });
});
