import { gzipSync } from "node:zlib";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { ProtobufReader } from "@opentelemetry/otlp-transformer/build/src/common/protobuf/protobuf-reader.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeOtlpJson, FORWARDED_HEADER } from "../../src/otlp/mod.ts";
import { startNodeServer } from "../../src/runtime/node.ts";
import type { Stats } from "../../src/schema/mod.ts";
import { testSpanlight } from "../helpers/app.ts";
import { loadHooks } from "../helpers/fixtures.ts";
import { loadOtlpExports, serialize } from "./helpers/otlp-fixtures.ts";

const traces = loadOtlpExports("bash-echo", "traces")[0]!.body;
const logs = loadOtlpExports("bash-echo", "logs")[0]!.body;
const protoTraces = serialize(decodeOtlpJson("traces", traces), "protobuf");

function post(body: BodyInit | Uint8Array, headers: Record<string, string>): RequestInit {
  return { method: "POST", headers, body: body as BodyInit };
}
const JSON_TYPE = { "content-type": "application/json" };
const PROTO_TYPE = { "content-type": "application/x-protobuf" };

/** google.rpc.Status { int32 code = 1; string message = 2 } from a protobuf error body. */
function readStatus(bytes: Uint8Array): { code: number; message: string } {
  const r = new ProtobufReader(bytes);
  const out = { code: 0, message: "" };
  while (!r.isAtEnd()) {
    const { fieldNumber, wireType } = r.readTag();
    if (fieldNumber === 1) out.code = r.readVarint();
    else if (fieldNumber === 2) out.message = r.readString();
    else r.skip(wireType);
  }
  return out;
}

function withSpanIds(traceId: string, spanId: string) {
  const copy = structuredClone(traces) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }> };
  const spans = copy.resourceSpans[0]!.scopeSpans[0]!.spans as Array<Record<string, unknown>>;
  spans[0]!.traceId = traceId;
  spans[0]!.spanId = spanId;
  return copy;
}

describe("bad OTLP input gets the right 4xx", () => {
  it("answers a truncated protobuf body with 400 and a protobuf google.rpc.Status", async () => {
    const s = testSpanlight();
    const res = await s.app.request("/v1/traces", post(protoTraces.slice(0, protoTraces.length - 7), PROTO_TYPE));
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/x-protobuf");
    const status = readStatus(new Uint8Array(await res.arrayBuffer()));
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/not a valid OTLP\/protobuf traces request: truncated/i);
  });

  it.each([
    ["text/plain", "text/plain"],
    ["no content type at all", ""],
    ["NDJSON", "application/x-ndjson"],
  ])("answers %s with 415", async (_name, type) => {
    const s = testSpanlight();
    const res = await s.app.request("/v1/logs", post(JSON.stringify(logs), type ? { "content-type": type } : {}));
    expect(res.status).toBe(415);
    const body = await res.json();
    expect(body).toMatchObject({ code: 3, error: { code: "unsupported_media_type" } });
  });

  it("answers an unknown content encoding with 415 and broken gzip with 400", async () => {
    const s = testSpanlight();
    const br = await s.app.request("/v1/logs", post(JSON.stringify(logs), { ...JSON_TYPE, "content-encoding": "br" }));
    expect(br.status).toBe(415);
    const bad = await s.app.request(
      "/v1/logs",
      post(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]), { ...JSON_TYPE, "content-encoding": "gzip" }),
    );
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/gzip/);
  });

  it.each([
    ["a trace id of 8 bytes", "0102030405060708", "eee19b7ec3c1b174", /traceId/],
    ["a span id that is not hex or base64", "5b8efff798038103d269b633813fc60c", "not-an-id!", /spanId/],
  ])("answers %s in OTLP/JSON with 400 naming the field", async (_name, traceId, spanId, field) => {
    const s = testSpanlight();
    const res = await s.app.request("/v1/traces", post(JSON.stringify(withSpanIds(traceId, spanId)), JSON_TYPE));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.message).toMatch(field);
    expect(body.error.message).toMatch(/resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]/);
  });

  it("answers a protobuf span id of the wrong length with 400", async () => {
    const s = testSpanlight();
    // Span { span_id (field 2) = 9 bytes } inside ScopeSpans inside ResourceSpans.
    const span = [0x12, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const scope = [0x12, span.length, ...span];
    const body = new Uint8Array([0x0a, scope.length + 2, 0x12, scope.length, ...scope]);
    const res = await s.app.request("/v1/traces", post(body, PROTO_TYPE));
    expect(res.status).toBe(400);
    expect(readStatus(new Uint8Array(await res.arrayBuffer())).message).toMatch(/Span.span_id: 9 bytes, expected 8/);
  });

  it("accepts the rest and reports all-zero ids as a partial success, in JSON and protobuf", async () => {
    const s = testSpanlight();
    const zero = withSpanIds("0".repeat(32), "0".repeat(16));
    const res = await s.app.request("/v1/traces", post(JSON.stringify(zero), JSON_TYPE));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.partialSuccess.rejectedSpans).toBe("1");
    expect(body.partialSuccess.errorMessage).toMatch(/all-zero/);
    const proto = serialize(decodeOtlpJson("traces", zero), "protobuf");
    const pres = await s.app.request("/v1/traces", post(proto, PROTO_TYPE));
    expect(pres.status).toBe(200);
    const parsed = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(await pres.arrayBuffer()));
    expect(Number(parsed.partialSuccess?.rejectedSpans)).toBe(1);
    const stats: Stats = await (await s.app.request("/api/stats")).json();
    expect(stats.otlp?.traces).toMatchObject({ requests: 2, items: 10, rejectedItems: 2 });
  });

  it("answers an empty export with 200 and an empty response", async () => {
    const s = testSpanlight();
    const res = await s.app.request("/v1/logs", post('{"resourceLogs":[]}', JSON_TYPE));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const pres = await s.app.request("/v1/metrics", post(new Uint8Array(0), PROTO_TYPE));
    expect(pres.status).toBe(200);
    expect((await pres.arrayBuffer()).byteLength).toBe(0);
  });

  it("answers a body over limits.bodyBytes with 413, also when only its gzip inflation is too big", async () => {
    const s = testSpanlight({ limits: { bodyBytes: 64 * 1024 } });
    const big = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [] }] }], pad: "x".repeat(100_000) });
    expect((await s.app.request("/v1/logs", post(big, JSON_TYPE))).status).toBe(413);
    const bomb = gzipSync(Buffer.from(big));
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    const res = await s.app.request(
      "/v1/logs",
      post(new Uint8Array(bomb), { ...JSON_TYPE, "content-encoding": "gzip" }),
    );
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toMatch(/inflates/);
  });

  it("answers a batch with more items than limits.batchItems with 400", async () => {
    const s = testSpanlight({ limits: { batchItems: 5 } });
    const res = await s.app.request("/v1/logs", post(JSON.stringify(logs), JSON_TYPE));
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("too_many_items");
  });

  it("needs the bearer token like every other ingest route, and says so in OTLP's form", async () => {
    const s = testSpanlight({ server: { token: "secret-token-1" } });
    const json = await s.app.request("/v1/logs", post(JSON.stringify(logs), JSON_TYPE));
    expect(json.status).toBe(401);
    expect(await json.json()).toMatchObject({ code: 16, error: { code: "unauthorized" } });
    const proto = await s.app.request("/v1/traces", post(protoTraces, PROTO_TYPE));
    expect(proto.status).toBe(401);
    expect(proto.headers.get("content-type")).toBe("application/x-protobuf");
    const status = readStatus(new Uint8Array(await proto.arrayBuffer()));
    expect(status).toMatchObject({ code: 16, message: expect.stringMatching(/^unauthorized: /) });
    const ok = await s.app.request(
      "/v1/logs",
      post(JSON.stringify(logs), { ...JSON_TYPE, authorization: "Bearer secret-token-1" }),
    );
    expect(ok.status).toBe(200);
    const stats: Stats = await (
      await s.app.request("/api/stats", { headers: { authorization: "Bearer secret-token-1" } })
    ).json();
    expect(stats.otlp?.rejectedRequests).toBe(2);
  });

  it("keeps every log event whose duration_ms no request or tool can have, without that figure", async () => {
    const s = testSpanlight();
    const copy = structuredClone(logs) as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: unknown[] }> }> };
    const records = copy.resourceLogs[0]!.scopeLogs[0]!.logRecords as Array<{
      attributes: Array<{ key: string; value: unknown }>;
    }>;
    let odd = 0;
    for (const r of records)
      for (const a of r.attributes)
        if (a.key === "duration_ms") {
          a.value = { stringValue: "1e308" };
          odd++;
        }
    expect(odd).toBeGreaterThan(0);
    const res = await s.app.request("/v1/logs", post(JSON.stringify(copy), JSON_TYPE));
    expect(res.status).toBe(200);
    const kept = s.store.query({ limit: 1000 }).events;
    const plain = testSpanlight();
    await plain.app.request("/v1/logs", post(JSON.stringify(logs), JSON_TYPE));
    expect(kept.length).toBe(plain.store.query({ limit: 1000 }).events.length);
    expect(plain.store.query({ limit: 1000 }).events.some((e) => e.durationMs !== null)).toBe(true);
    expect(kept.filter((e) => e.durationMs !== null)).toEqual([]);
  });

  it("keeps a session id with an unpaired surrogate, in JSON and protobuf, the half replaced by U+FFFD", async () => {
    const withSessionId = (id: string) => {
      const copy = structuredClone(logs) as {
        resourceLogs: Array<{
          scopeLogs: Array<{ logRecords: Array<{ attributes: Array<Record<string, unknown>> }> }>;
        }>;
      };
      for (const r of copy.resourceLogs[0]!.scopeLogs[0]!.logRecords)
        for (const a of r.attributes) if (a.key === "session.id") a.value = { stringValue: id };
      return copy;
    };
    const json = testSpanlight();
    const text = JSON.stringify(withSessionId("JSONID")).replaceAll("JSONID", String.raw`s\udc00-1`);
    expect((await json.app.request("/v1/logs", post(text, JSON_TYPE))).status).toBe(200);
    expect(json.store.sessions().map((x) => x.sessionId)).toEqual(["s\ufffd-1"]);
    // protobufjs reads ED A0 80 (a surrogate written as UTF-8) as an unpaired half, and ED 20 80
    // and ED E0 80 too: it never checks continuation bytes.
    for (const surrogate of [
      [0xed, 0xa0, 0x80],
      [0xed, 0x20, 0x80],
      [0xed, 0xe0, 0x80],
    ]) {
      const proto = testSpanlight();
      const bytes = serialize(decodeOtlpJson("logs", withSessionId("sSUR-2")), "protobuf");
      const text8 = Buffer.from(bytes);
      for (let at = text8.indexOf("SUR"); at !== -1; at = text8.indexOf("SUR", at + 3)) bytes.set(surrogate, at);
      expect((await proto.app.request("/v1/logs", post(bytes, PROTO_TYPE))).status).toBe(200);
      expect(proto.store.sessions().every((x) => x.sessionId.isWellFormed())).toBe(true);
      expect(proto.store.sessions()).toHaveLength(1);
    }
  });

  it("stores nothing from a rejected request and counts it", async () => {
    const s = testSpanlight();
    await s.app.request("/v1/traces", post(protoTraces.slice(0, 100), PROTO_TYPE));
    await s.app.request("/v1/logs", post("{not json", JSON_TYPE));
    const stats: Stats = await (await s.app.request("/api/stats")).json();
    expect(stats.totalEvents).toBe(0);
    expect(stats.sessions).toBe(0);
    expect(stats.rejected).toBe(2);
    expect(stats.otlp?.rejectedRequests).toBe(2);
  });

  it("acknowledges its own exports coming back (endpoint pointed at itself) without storing them", async () => {
    const s = testSpanlight();
    const res = await s.app.request(
      "/v1/logs",
      post(JSON.stringify(logs), { ...JSON_TYPE, [FORWARDED_HEADER]: s.bootId }),
    );
    expect(res.status).toBe(200);
    expect(s.store.query({ limit: 10 }).events).toHaveLength(0);
    // Another Spanlight's exports (a chain: container → host) are ordinary data.
    await s.app.request("/v1/logs", post(JSON.stringify(logs), { ...JSON_TYPE, [FORWARDED_HEADER]: "other-boot" }));
    expect(s.store.query({ limit: 10 }).events.length).toBeGreaterThan(0);
  });
});

describe("bad OTLP input does not harm other traffic", () => {
  let server: Awaited<ReturnType<typeof startNodeServer>>;
  beforeAll(async () => {
    server = await startNodeServer({ config: { limits: { bodyBytes: 256 * 1024 } } });
  });
  afterAll(() => server.close());

  it("keeps answering hooks and good exports while oversized and broken exports are refused", async () => {
    const huge = new Uint8Array(3 * 1024 * 1024).fill(0x41);
    const hooks = loadHooks("bash-echo");
    const results = await Promise.all([
      fetch(`${server.url}/v1/logs`, post(huge, JSON_TYPE)).then((r) => r.status),
      fetch(`${server.url}/v1/traces`, post(protoTraces.slice(0, 50), PROTO_TYPE)).then((r) => r.status),
      ...hooks.map((h) => fetch(`${server.url}/v1/hooks/claude-code`, post(h.line, JSON_TYPE)).then((r) => r.status)),
      fetch(`${server.url}/v1/traces`, post(protoTraces, PROTO_TYPE)).then((r) => r.status),
      fetch(`${server.url}/v1/logs`, post(JSON.stringify(logs), JSON_TYPE)).then((r) => r.status),
    ]);
    expect(results[0]).toBe(413);
    expect(results[1]).toBe(400);
    expect(results.slice(2, 2 + hooks.length).every((st) => st === 204)).toBe(true);
    expect(results.slice(-2)).toEqual([200, 200]);
    const d = await (await fetch(`${server.url}/api/sessions/49d06c98-aa42-444f-a8a6-08ed5d7724c8`)).json();
    expect(d.llmRequests).toHaveLength(2);
    expect(d.toolCalls).toHaveLength(1);
  });
});
