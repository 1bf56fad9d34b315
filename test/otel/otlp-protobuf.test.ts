import { TraceState } from "@opentelemetry/core";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { createOtelPipeline } from "../../otel/mod.ts";
import { type EncodableSpan, encodeTraceRequest } from "../../otel/otlp-protobuf.ts";
import { configSchema } from "../../src/config/config-schema.ts";
import { decodeOtlpJson } from "../../src/otlp/mod.ts";
import { decodeRequest } from "../../src/otlp/proto-messages.ts";
import { toReadableSpans } from "../../src/otlp/sdk-records.ts";
import { scenarios } from "../helpers/fixtures.ts";
import { loadOtlpExports } from "../otlp/helpers/otlp-fixtures.ts";
import { replayEvents } from "./helpers/replay.ts";

// The exporter's protobuf bodies must be exactly what the OpenTelemetry serializer writes: the
// reference is the SDK itself, on Spanlight's spans, Claude Code's own spans and crafted edge cases.
function sdkBytes(spans: readonly EncodableSpan[]): Uint8Array {
  return ProtobufTraceSerializer.serializeRequest(spans as unknown as ReadableSpan[])!;
}

function expectSameBytes(spans: readonly EncodableSpan[]) {
  const ours = encodeTraceRequest(spans);
  const theirs = sdkBytes(spans);
  expect(ours.length).toBe(theirs.length);
  expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
  return ours;
}

async function pipelineSpans(scenario: string, capture: boolean): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const config = configSchema.parse({
    otel: {
      export: { enabled: true },
      capture: { prompts: capture, toolInput: capture, toolOutput: capture },
    },
  }).otel;
  const pipeline = createOtelPipeline({ config, version: "9.9.9", hostName: "build-host", exporter });
  for (const e of replayEvents(scenario)) pipeline.onEvent(e);
  await pipeline.shutdown();
  return exporter.getFinishedSpans();
}

const RESOURCE = { attributes: { "service.name": "claude-code", "host.name": "hôte" } };
const SCOPE = { name: "spanlight", version: "1.2.3" };

function span(over: Partial<EncodableSpan> & { traceId?: string; spanId?: string } = {}): EncodableSpan {
  const { traceId = "0af7651916cd43dd8448eb211c80319c", spanId = "b7ad6b7169203331", ...rest } = over;
  return {
    name: "execute_tool Bash",
    kind: 0,
    spanContext: () => ({ traceId, spanId, traceFlags: 1 }),
    parentSpanContext: { traceId, spanId: "00f067aa0ba902b7", traceFlags: 1 },
    startTime: [1_795_239_268, 52_000_123],
    endTime: [1_795_239_268, 119_000_000],
    status: { code: 0 },
    attributes: {},
    links: [],
    events: [],
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    resource: RESOURCE,
    instrumentationScope: SCOPE,
    ...rest,
  };
}

describe("OTLP/protobuf trace encoding", () => {
  it.each(scenarios())("writes the SDK serializer's bytes for Spanlight's spans of %s", async (scenario) => {
    for (const capture of [false, true]) {
      const spans = await pipelineSpans(scenario, capture);
      expect(spans.length).toBeGreaterThan(0);
      expectSameBytes(spans);
    }
  });

  it.each(scenarios())("writes the SDK serializer's bytes for Claude Code's own spans of %s", (scenario) => {
    for (const exp of loadOtlpExports(scenario, "traces")) {
      const request = decodeOtlpJson("traces", exp.body);
      if (request.signal !== "traces") throw new Error("not traces");
      expectSameBytes(toReadableSpans(request.resourceSpans));
    }
  });

  it("encodes every kind of attribute value the way the SDK does", () => {
    const attributes = {
      ascii: "plain",
      accents: "café déjà vu",
      emoji: "tool 🔧 done",
      cjk: "日本語のテキスト",
      lone: "half \ud83d surrogate",
      empty: "",
      t: true,
      f: false,
      zero: 0,
      negative: -1,
      int32: 2 ** 31,
      uint32: 2 ** 32 - 1,
      big: 2 ** 32,
      beyondSafe: 2 ** 53 + 2,
      minInt64: -(2 ** 63),
      maxInt64AsDouble: 2 ** 63,
      fraction: 1.5,
      tiny: -1e-300,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      list: ["a", 1, true, 2.5, ["nested"], null],
      object: { inner: "x", n: 3, deeper: { ok: false } },
      bytes: new Uint8Array([0, 1, 255]),
      nothing: null,
      missing: undefined,
    };
    expectSameBytes([span({ attributes: attributes as never })]);
  });

  it("moves bodies whose length needs another varint byte, in both directions", () => {
    const sizes = [0, 1, 60, 127, 128, 200, 16_383, 16_384, 70_000, 2_097_152];
    // Tiny spans (under 128 bytes: the 2-byte reservation shrinks) and huge ones (over 16 KB: it grows).
    const spans = sizes.map((n, i) =>
      span({ name: "x".repeat(n), spanId: `${i}`.padStart(16, "0"), attributes: n > 100 ? { v: "é".repeat(n) } : {} }),
    );
    expectSameBytes([span({ name: "", attributes: {}, parentSpanContext: undefined })]);
    expectSameBytes(spans);
  });

  it("writes events, links, trace state, status, kinds, remote parents and odd ids like the SDK", () => {
    const state = new TraceState("vendor=a,other=b");
    const spans = [
      span({
        kind: 2,
        status: { code: 2, message: "Exit code 1: ünïcode" },
        events: [
          { name: "exception", time: [1_795_239_268, 1], attributes: { "exception.message": "boom" } },
          { name: "no attributes", time: [0, 999_999_999], droppedAttributesCount: 3 },
        ],
        links: [
          {
            context: {
              traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
              spanId: "00f067aa0ba902b7",
              traceFlags: 1,
              isRemote: true,
              traceState: state,
            },
            attributes: { "link.kind": "session" },
            droppedAttributesCount: 1,
          },
        ],
        droppedAttributesCount: 2,
        droppedEventsCount: 5,
        droppedLinksCount: 1,
      }),
      span({
        spanContext: () => ({
          traceId: "ABCDEF0123456789ABCDEF0123456789",
          spanId: "zz",
          traceFlags: 0,
          traceState: state,
        }),
        parentSpanContext: { traceId: "x", spanId: "1234567", traceFlags: 1, isRemote: true },
        startTime: [4_294_967_296, 5],
        endTime: [18_446_744_073, 709_551_615],
      }),
    ];
    expectSameBytes(spans);
  });

  it("groups spans by resource and scope as the SDK does, keeping first-seen order", () => {
    const other = { attributes: { "service.name": "other" }, schemaUrl: "https://opentelemetry.io/schemas/1.30.0" };
    const scope2 = {
      name: "claude-code",
      version: "",
      schemaUrl: "s",
      attributes: { a: 1 },
      droppedAttributesCount: 2,
    };
    const spans = [
      span({ name: "a" }),
      span({ name: "b", resource: other }),
      span({ name: "c", instrumentationScope: scope2 }),
      span({ name: "d", resource: other, instrumentationScope: scope2 }),
      span({ name: "e" }),
    ];
    const bytes = expectSameBytes(spans);
    const decoded = decodeRequest("traces", bytes) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }>;
    };
    expect(decoded.resourceSpans.map((rs) => rs.scopeSpans.map((ss) => ss.spans.length))).toEqual([
      [2, 1],
      [1, 1],
    ]);
    expectSameBytes([]);
  });

  it("does not let one batch of huge spans make later requests allocate for their size", () => {
    const huge = Array.from({ length: 64 }, (_, i) =>
      span({ spanId: i.toString(16).padStart(16, "0"), attributes: { content: "z".repeat(200_000) } }),
    );
    expectSameBytes(huge);
    const small = Array.from({ length: 512 }, (_, i) => span({ spanId: i.toString(16).padStart(16, "0") }));
    const bytes = expectSameBytes(small);
    expect(bytes.buffer.byteLength).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it("sizes its buffer from earlier requests but grows it when a request is larger", () => {
    expectSameBytes([span({ name: "small" })]);
    const many = Array.from({ length: 600 }, (_, i) =>
      span({ spanId: i.toString(16).padStart(16, "0"), attributes: { text: "y".repeat(i * 10) } }),
    );
    expectSameBytes(many);
  });
});
