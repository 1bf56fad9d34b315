import { describe, expect, it } from "vitest";
import { postHook, testSpanlight } from "../helpers/app.ts";

const note = (i: number) => ({ session_id: "s", hook_event_name: "Notification", message: `n${i}` });

/** The sequence ids of the first `n` events a stream sends, then the stream is closed. */
async function firstIds(res: Response, n: number): Promise<number[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const ids = () => [...text.matchAll(/^id: (\d+)@[0-9a-f]{8}$/gm)].map((m) => Number(m[1]));
  while (ids().length < n) {
    const r = await reader.read();
    if (r.done) break;
    text += decoder.decode(r.value);
  }
  await reader.cancel();
  return ids().slice(0, n);
}

describe("GET /api/stream?since=", () => {
  it("replays the events received since an ISO time, then goes on live", async () => {
    const sl = testSpanlight();
    await postHook(sl.app, note(1));
    sl.clock.advance(60_000);
    const since = new Date(sl.clock.now()).toISOString();
    await postHook(sl.app, note(2));
    sl.clock.advance(1_000);
    await postHook(sl.app, note(3));
    const res = await sl.app.request(`/api/stream?since=${encodeURIComponent(since)}`);
    expect(res.status).toBe(200);
    const ids = firstIds(res, 3);
    await postHook(sl.app, note(4));
    expect(await ids).toEqual([2, 3, 4]);
    await sl.close();
  });

  it("replays the events after a sequence id", async () => {
    const sl = testSpanlight();
    for (let i = 1; i <= 4; i++) await postHook(sl.app, note(i));
    const res = await sl.app.request("/api/stream?since=2");
    expect(await firstIds(res, 2)).toEqual([3, 4]);
    await sl.close();
  });
});
