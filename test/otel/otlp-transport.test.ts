import { describe, expect, it } from "vitest";
import { postOtlp } from "../../otel/otlp-transport.ts";
import { createRateLimitedLog } from "../../otel/rate-limited-log.ts";

function fakeFetch(response: Response | Error): typeof fetch {
  return (async () => {
    if (response instanceof Error) throw response;
    return response;
  }) as typeof fetch;
}

const post = (f: typeof fetch) =>
  postOtlp({
    url: "http://collector/v1/traces",
    headers: {},
    body: new Uint8Array([1]),
    contentType: "application/x-protobuf",
    timeoutMs: 1000,
    fetch: f,
  });

describe("OTLP/HTTP transport", () => {
  it.each([
    [200, true, undefined],
    [429, false, true],
    [502, false, true],
    [503, false, true],
    [504, false, true],
    [400, false, false],
    [401, false, false],
    [404, false, false],
    [500, false, false],
  ])("classifies HTTP %i (ok %s, retryable %s) as the OTLP spec says", async (status, ok, retryable) => {
    const result = await post(fakeFetch(new Response("nope", { status })));
    expect(result.ok).toBe(ok);
    if (!result.ok) {
      expect(result.retryable).toBe(retryable);
      expect(result.error).toBe(`HTTP ${status} from http://collector/v1/traces: nope`);
    }
  });

  it("reads Retry-After in seconds", async () => {
    const result = await post(fakeFetch(new Response("", { status: 503, headers: { "retry-after": "7" } })));
    expect(result).toMatchObject({ ok: false, retryable: true, retryAfterMs: 7000 });
  });

  it("names the socket error of a failed connection and treats it as retryable", async () => {
    const err = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    const result = await post(fakeFetch(err));
    expect(result).toEqual({
      ok: false,
      retryable: true,
      error: "POST http://collector/v1/traces failed: fetch failed (ECONNREFUSED)",
    });
  });
});

describe("rate-limited log", () => {
  it("writes one line per kind per interval and reports how many were suppressed", () => {
    let now = 0;
    const lines: string[] = [];
    const log = createRateLimitedLog((l) => lines.push(l), { now: () => now }, 60_000);
    log("export", "a");
    log("export", "b");
    log("export", "c");
    log("mapping", "m");
    now = 60_000;
    log("export", "d");
    expect(lines).toEqual(["a", "m", "d (2 similar suppressed)"]);
  });
});
