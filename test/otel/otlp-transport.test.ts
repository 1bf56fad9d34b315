import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
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

  it("names the socket error however the runtime shapes it: Node's cause code, Bun's own code, Deno's cause text", async () => {
    const node = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    const bun = Object.assign(
      new Error(
        "Unable to connect. Is the computer able to access the url? For more information, pass `verbose: true` in the second argument to fetch()",
      ),
      { code: "ConnectionRefused" },
    );
    const deno = Object.assign(new TypeError("fetch failed"), {
      cause: new Error(
        "error sending request from 127.0.0.1:60744 for http://collector/v1/traces (127.0.0.1:4318): client error (Connect): tcp connect error: Connection refused (os error 111)",
      ),
    });
    const errors = await Promise.all(
      [node, bun, deno].map(async (e) => ((await post(fakeFetch(e))) as { error: string }).error),
    );
    expect(errors).toEqual([
      "POST http://collector/v1/traces failed: fetch failed (ECONNREFUSED)",
      "POST http://collector/v1/traces failed: Unable to connect. Is the computer able to access the url?",
      "POST http://collector/v1/traces failed: fetch failed (tcp connect error: Connection refused (os error 111))",
    ]);
  });

  it("refuses a header value with a control character before sending, naming the header, not its value", async () => {
    let sent = 0;
    const result = await postOtlp({
      url: "http://collector/v1/traces",
      headers: { "x-api-key": "s3cret\u0001", "x-tab": "a\tb" },
      body: new Uint8Array([1]),
      contentType: "application/x-protobuf",
      timeoutMs: 1000,
      fetch: (async () => {
        sent++;
        return new Response("", { status: 200 });
      }) as typeof fetch,
    });
    expect(sent).toBe(0);
    expect(result).toMatchObject({ ok: false, retryable: false });
    const error = (result as { error: string }).error;
    expect(error).toContain('"x-api-key" is not a valid HTTP header');
    expect(error).not.toContain("x-tab");
    expect(error).not.toContain("s3cret");
  });

  it("reads Retry-After in seconds", async () => {
    const result = await post(fakeFetch(new Response("", { status: 503, headers: { "retry-after": "7" } })));
    expect(result).toMatchObject({ ok: false, retryable: true, retryAfterMs: 7000 });
  });

  it("names the socket error of a failed connection and treats it as retryable (receiver unreachable)", async () => {
    const err = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    const result = await post(fakeFetch(err));
    expect(result).toEqual({
      ok: false,
      retryable: true,
      unreachable: true,
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

/** A real receiver on 127.0.0.1 whose replies the test writes; it records method, path and body size. */
async function receiver(reply: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
    });
    req.on("end", () => {
      seen.push(`${req.method} ${req.url} ${size}`);
      reply(req, res);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((done) => server.close(() => done())) };
}

const postTo = (url: string, extra: Partial<Parameters<typeof postOtlp>[0]> = {}) =>
  postOtlp({
    url,
    headers: {},
    body: new Uint8Array([1, 2, 3]),
    contentType: "application/x-protobuf",
    timeoutMs: 5000,
    ...extra,
  });

describe("OTLP/HTTP transport against a real receiver", () => {
  it("does not count a 301 as exported: fetch would have re-sent it as a GET without the spans", async () => {
    const r = await receiver((req, res) => {
      if (req.url === "/v1/traces") res.writeHead(301, { location: "/moved" }).end();
      else res.writeHead(200).end();
    });
    const result = await postTo(`${r.url}/v1/traces`);
    await r.close();
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(!result.ok && result.error).toContain(`redirected to ${r.url}/moved`);
    expect(r.seen).toEqual(["POST /v1/traces 3"]);
  });

  it("follows a same-origin 307/308 with the same POST body", async () => {
    const r = await receiver((req, res) => {
      if (req.url === "/v1/traces") res.writeHead(308, { location: "/v1/traces/" }).end();
      else res.writeHead(200).end();
    });
    const result = await postTo(`${r.url}/v1/traces`);
    await r.close();
    expect(result).toEqual({ ok: true });
    expect(r.seen).toEqual(["POST /v1/traces 3", "POST /v1/traces/ 3"]);
  });

  it("marks HTTP 413 as too large, so the queue can split the batch", async () => {
    const r = await receiver((_req, res) => res.writeHead(413).end("request entity too large"));
    const result = await postTo(`${r.url}/v1/traces`);
    await r.close();
    expect(result).toMatchObject({ ok: false, retryable: false, tooLarge: true });
  });

  it.each([
    [
      "application/json",
      () => Buffer.from(JSON.stringify({ partialSuccess: { rejectedSpans: "2", errorMessage: "invalid span id" } })),
    ],
    [
      "application/x-protobuf",
      // ExportTraceServiceResponse { partial_success (1) { rejected_spans (1) = 2, error_message (2) } }
      () => {
        const msg = Buffer.from("invalid span id");
        const inner = Buffer.concat([Buffer.from([0x08, 2, 0x12, msg.length]), msg]);
        return Buffer.concat([Buffer.from([0x0a, inner.length]), inner]);
      },
    ],
  ])("reads an OTLP partial success (%s): rejected spans are not exported", async (contentType, body) => {
    const r = await receiver((_req, res) => res.writeHead(200, { "content-type": contentType }).end(body()));
    const result = await postTo(`${r.url}/v1/traces`, { contentType });
    await r.close();
    expect(result).toEqual({
      ok: true,
      partial: {
        rejected: 2,
        detail: `HTTP 200 from ${r.url}/v1/traces: partial success, 2 rejected: invalid span id`,
      },
    });
  });

  it("refuses a header fetch cannot send, once and for all, without printing its value", async () => {
    const result = await postTo("http://127.0.0.1:9/v1/traces", { headers: { authorization: "Bearer s3cret…" } });
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(!result.ok && result.error).toContain('"authorization"');
    expect(!result.ok && result.error).not.toContain("s3cret");
  });

  it("never quotes a key in the endpoint's query or user info: errors reach /health, which needs no token", async () => {
    const r = await receiver((_req, res) => res.writeHead(401).end("invalid api key"));
    const refused = await postTo(`${r.url}/v1/traces?api-key=QUERYKEY123`);
    // Node's fetch refuses a URL with credentials, quoting it in its error.
    const withPassword = await postTo(`${r.url.replace("//", "//user:PASSWORD123@")}/v1/traces`);
    await r.close();
    expect(!refused.ok && refused.error).toBe(`HTTP 401 from ${r.url}/v1/traces?***: invalid api key`);
    expect(!withPassword.ok && withPassword.error).toContain(`POST ${r.url.replace("//", "//***@")}/v1/traces failed`);
    expect(JSON.stringify([refused, withPassword])).not.toMatch(/QUERYKEY123|PASSWORD123|user:/);
  });

  it("says an endpoint without http:// or https:// is wrong instead of retrying it", async () => {
    const result = await postTo("localhost:4318/v1/traces");
    expect(result).toEqual({
      ok: false,
      retryable: false,
      error: "otel.export.endpoint localhost:4318/v1/traces is not an http:// or https:// URL",
    });
  });
});
