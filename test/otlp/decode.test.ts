import root from "otlp-transformer-protobuf/build/src/generated/root.js";
import { describe, expect, it } from "vitest";
import { decodeOtlpJson } from "../../src/otlp/decode-json.ts";
import { decodeOtlpProtobuf } from "../../src/otlp/decode-protobuf.ts";
import { countItems, type DecodedRequest } from "../../src/otlp/otlp-model.ts";
import { readOtlpRequest } from "../../src/otlp/read-request.ts";
import { scenarios } from "../helpers/fixtures.ts";
import { gzip, loadOtlpExports, SIGNALS, serialize } from "./helpers/otlp-fixtures.ts";

const LIMITS = { bodyBytes: 1024 * 1024, jsonDepth: 64, batchItems: 1000 };

/** What each captured export holds, counted straight from its JSON. */
function rawCount(body: Record<string, unknown>): number {
  let n = 0;
  const walk = (v: unknown, key: string) => {
    if (Array.isArray(v)) {
      if (key === "spans" || key === "logRecords") n += v.length;
      if (key === "dataPoints") n += v.length;
      for (const x of v) walk(x, "");
    } else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(body, "");
  return n;
}

const cases = scenarios().flatMap((scenario) =>
  SIGNALS.flatMap((signal) =>
    loadOtlpExports(scenario, signal).map((exp, i) => ({ name: `${scenario} ${signal} #${i + 1}`, signal, exp })),
  ),
);

describe("OTLP decoding of every captured Claude Code export", () => {
  it("has captures of all three signals to decode", () => {
    expect(new Set(cases.map((c) => c.signal))).toEqual(new Set(SIGNALS));
    expect(cases.length).toBeGreaterThan(50);
  });

  it.each(cases)("decodes $name from OTLP/JSON with every item", ({ signal, exp }) => {
    const decoded = decodeOtlpJson(signal, exp.body);
    expect(countItems(decoded)).toBe(rawCount(exp.body));
    expect(countItems(decoded)).toBeGreaterThan(0);
  });

  it.each(cases)("decodes $name re-encoded as protobuf to the same content", ({ signal, exp }) => {
    const fromJson = decodeOtlpJson(signal, exp.body);
    const bytes = serialize(fromJson, "protobuf");
    const fromProto = decodeOtlpProtobuf(signal, bytes, { maxDepth: 64 });
    expect(comparable(fromProto)).toEqual(comparable(fromJson));
  });

  it.each(cases.filter((_, i) => i % 5 === 0))(
    "reads $name gzipped as protobuf and as JSON",
    async ({ signal, exp }) => {
      const fromJson = decodeOtlpJson(signal, exp.body);
      for (const encoding of ["protobuf", "json"] as const) {
        const req = new Request(`http://x/v1/${signal}`, {
          method: "POST",
          headers: {
            "content-type": encoding === "json" ? "application/json" : "application/x-protobuf",
            "content-encoding": "gzip",
          },
          body: gzip(serialize(fromJson, encoding)) as Uint8Array<ArrayBuffer>,
        });
        const { request } = await readOtlpRequest(req, signal, LIMITS);
        expect(comparable(request)).toEqual(comparable(fromJson));
      }
    },
  );
});

describe("OTLP/JSON value rules", () => {
  const span = (over: Record<string, unknown>) => ({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: "5b8efff798038103d269b633813fc60c",
                spanId: "eee19b7ec3c1b174",
                name: "s",
                startTimeUnixNano: "1544712660000000000",
                endTimeUnixNano: "1544712661000000000",
                ...over,
              },
            ],
          },
        ],
      },
    ],
  });
  const first = (d: DecodedRequest) => (d.signal === "traces" ? d.resourceSpans[0]!.scopeSpans[0]!.spans[0]! : null);

  it("accepts trace and span ids in base64 as well as hex", () => {
    const hex = first(decodeOtlpJson("traces", span({})));
    const b64 = first(
      decodeOtlpJson("traces", span({ traceId: "W47/95gDgQPSabYzgT/GDA==", spanId: "7uGbfsPBsXQ=", parentSpanId: "" })),
    );
    expect(b64?.traceId).toBe(hex?.traceId);
    expect(b64?.spanId).toBe(hex?.spanId);
    expect(b64?.parentSpanId).toBeNull();
  });

  it("accepts 64-bit integers as strings or numbers and keeps big ones exact", () => {
    const s = first(
      decodeOtlpJson(
        "traces",
        span({
          startTimeUnixNano: 1544712660000000000,
          attributes: [
            { key: "a", value: { intValue: "42" } },
            { key: "b", value: { intValue: 42 } },
            { key: "big", value: { intValue: "9007199254740993" } },
            { key: "neg", value: { intValue: "-7" } },
          ],
        }),
      ),
    );
    expect(s?.attributes).toEqual({ a: 42, b: 42, big: "9007199254740993", neg: -7 });
    expect(s?.startTimeUnixNano).toBe("1544712660000000000");
  });

  it.each([
    ["a trace id of the wrong length", { traceId: "abcd" }, "traceId"],
    ["a span id that is neither hex nor base64", { spanId: "zz-not-an-id!" }, "spanId"],
    ["a time that is not a number", { startTimeUnixNano: "soon" }, "startTimeUnixNano"],
    ["an int attribute that is not an integer", { attributes: [{ key: "x", value: { intValue: "1.5" } }] }, "intValue"],
  ])("rejects %s, naming the field", (_name, over, field) => {
    expect(() => decodeOtlpJson("traces", span(over))).toThrow(field);
  });
});

describe("OTLP/protobuf value rules", () => {
  type Encoder = { encode(m: object): { finish(): Uint8Array }; fromObject(o: object): object };
  const collector = (
    root as unknown as { opentelemetry: { proto: { collector: Record<string, { v1: Record<string, Encoder> }> } } }
  ).opentelemetry.proto.collector;
  /** Encodes with protobufjs from a plain object (64-bit values as decimal strings, ids as bytes). */
  function encode(signal: "trace" | "logs", o: object): Uint8Array {
    const type = collector[signal]!.v1[signal === "trace" ? "ExportTraceServiceRequest" : "ExportLogsServiceRequest"]!;
    return type.encode(type.fromObject(o)).finish();
  }
  const bytes = (hex: string) => Uint8Array.from(hex.match(/../g)!, (h) => Number.parseInt(h, 16));
  const TRACE = "5b8efff798038103d269b633813fc60c";
  const spanRequest = (over: Record<string, unknown>) => ({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: bytes(TRACE),
                spanId: bytes("eee19b7ec3c1b174"),
                name: "s",
                startTimeUnixNano: "18446744073709551615",
                endTimeUnixNano: "1544712661000000001",
                ...over,
              },
            ],
          },
        ],
      },
    ],
  });
  const first = (d: DecodedRequest) => (d.signal === "traces" ? d.resourceSpans[0]!.scopeSpans[0]!.spans[0]! : null);
  const limits = { maxDepth: 64 };

  it("keeps 64-bit integers and timestamps exact, numbers only when a double holds them", () => {
    const intValue = (v: string) => ({ intValue: v });
    const s = first(
      decodeOtlpProtobuf(
        "traces",
        encode(
          "trace",
          spanRequest({
            attributes: [
              { key: "small", value: intValue("42") },
              { key: "big", value: intValue("9007199254740993") },
              { key: "min", value: intValue("-9223372036854775808") },
              { key: "neg", value: intValue("-7") },
            ],
          }),
        ),
        limits,
      ),
    );
    expect(s?.attributes).toEqual({ small: 42, big: "9007199254740993", min: "-9223372036854775808", neg: -7 });
    expect(s?.startTimeUnixNano).toBe("18446744073709551615");
    expect(s?.endTimeUnixNano).toBe("1544712661000000001");
  });

  it.each([
    ["a trace id of 8 bytes", { traceId: bytes("0102030405060708") }, "Span.trace_id: 8 bytes, expected 16"],
    ["a parent span id of 16 bytes", { parentSpanId: bytes(TRACE) }, "Span.parent_span_id: 16 bytes, expected 8"],
    [
      "a link span id of 4 bytes",
      { links: [{ traceId: bytes(TRACE), spanId: bytes("01020304") }] },
      "Span.Link.span_id",
    ],
  ])("rejects %s", (_name, over, message) => {
    expect(() => decodeOtlpProtobuf("traces", encode("trace", spanRequest(over)), limits)).toThrow(message);
  });

  it("rejects a log record whose trace id has the wrong length", () => {
    const body = encode("logs", {
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: bytes("0102"), body: { stringValue: "x" } }] }] }],
    });
    expect(() => decodeOtlpProtobuf("logs", body, limits)).toThrow("LogRecord.trace_id: 2 bytes, expected 16");
  });

  it("rejects values nested deeper than the limit, and absurd nesting without exhausting the stack", () => {
    let value: object = { stringValue: "leaf" };
    for (let i = 0; i < 40; i++) value = { arrayValue: { values: [value] } };
    const body = encode("trace", spanRequest({ attributes: [{ key: "deep", value }] }));
    expect(first(decodeOtlpProtobuf("traces", body, { maxDepth: 100 }))?.attributes.deep).toBeInstanceOf(Array);
    expect(() => decodeOtlpProtobuf("traces", body, { maxDepth: 64 })).toThrow("AnyValue nested deeper than 64");
    // AnyValue { array_value = ArrayValue { values = AnyValue { … } } } 200,000 levels down,
    // written inside out: each level is two tags and two lengths.
    const levels = 200_000;
    const parts: number[][] = [];
    let size = 0;
    const varint = (n: number) => {
      const out: number[] = [];
      for (; n > 0x7f; n >>>= 7) out.push((n & 0x7f) | 0x80);
      out.push(n);
      return out;
    };
    for (let i = 0; i < levels; i++) {
      const inner = [0x0a, ...varint(size)]; // ArrayValue.values
      const outer = [0x2a, ...varint(size + inner.length)]; // AnyValue.array_value
      parts.push([...outer, ...inner]);
      size += inner.length + outer.length;
    }
    const bomb = new Uint8Array(size);
    let at = 0;
    for (let i = parts.length - 1; i >= 0; i--) {
      bomb.set(parts[i]!, at);
      at += parts[i]!.length;
    }
    // LogRecord { body = 5 } → ScopeLogs { log_records = 2 } → ResourceLogs { scope_logs = 2 } → request.
    const wrap = (tag: number, inner: Uint8Array) => {
      const head = [tag, ...varint(inner.length)];
      const out = new Uint8Array(head.length + inner.length);
      out.set(head);
      out.set(inner, head.length);
      return out;
    };
    const request = wrap(0x0a, wrap(0x12, wrap(0x12, wrap(0x2a, bomb))));
    expect(() => decodeOtlpProtobuf("logs", request, limits)).toThrow("message nested too deeply");
  });
});

/** Decoded content minus what the OTLP serializers do not carry over (resource dropped counts). */
function comparable(request: DecodedRequest): unknown {
  return JSON.parse(
    JSON.stringify(request, (key, value) => {
      if (key === "droppedAttributesCount" && value === 0) return undefined;
      if (value instanceof Uint8Array) return [...value];
      return value;
    }),
  );
}
