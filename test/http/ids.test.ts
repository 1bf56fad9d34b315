import { describe, expect, it } from "vitest";
import { postHook, testSpanlight } from "../helpers/app.ts";

type ErrorBody = { error: { code: string; message: string; issues?: Array<{ path: string }> } };

async function withEvents(n: number) {
  const s = testSpanlight();
  for (let i = 0; i < n; i++) await postHook(s.app, { session_id: "s", hook_event_name: "Notification" });
  return s;
}

describe("GET /api/events/:seq", () => {
  it("returns the event for a decimal sequence id", async () => {
    const s = await withEvents(2);
    const res = await s.app.request("/api/events/2");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { seq: number }).seq).toBe(2);
  });

  it.each(["0x2", "2.0", "2e0", "+2", "abc", "0", "-1", "99999999999999999999"])(
    "answers 400 invalid_query for %s instead of guessing",
    async (seq) => {
      const s = await withEvents(2);
      const res = await s.app.request(`/api/events/${seq}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error).toMatchObject({ code: "invalid_query", issues: [{ path: "seq" }] });
    },
  );

  it("still answers 404 for a well-formed id that is not in the ring", async () => {
    const s = await withEvents(1);
    expect((await s.app.request("/api/events/7")).status).toBe(404);
  });
});

describe("Last-Event-ID", () => {
  it.each(["1e3", "0x10", "-1", "100000000000000000000000"])(
    "answers 400 for %s, not a reset with a rounded id",
    async (id) => {
      const s = testSpanlight();
      const asHeader = await s.app.request("/api/stream", { headers: { "last-event-id": id } });
      const asQuery = await s.app.request(`/api/stream?lastEventId=${encodeURIComponent(id)}`);
      for (const res of [asHeader, asQuery]) {
        expect(res.status).toBe(400);
        expect(((await res.json()) as ErrorBody).error).toMatchObject({
          code: "invalid_query",
          issues: [{ path: "lastEventId" }],
        });
      }
      expect(s.hub.connections).toBe(0);
    },
  );
});

describe("a null body or batch item", () => {
  it("says it got null", async () => {
    const s = testSpanlight();
    const single = (await (await postHook(s.app, "null")).json()) as ErrorBody;
    expect(single.error.message).toBe("Body must be a JSON object, got null.");
    const batch = (await (await postHook(s.app, "[null]")).json()) as {
      results: Array<{ error: { message: string } }>;
    };
    expect(batch.results[0]!.error.message).toBe("[0] must be a JSON object, got null.");
  });
});
