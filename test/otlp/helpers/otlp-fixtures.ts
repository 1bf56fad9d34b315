import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ValueType } from "@opentelemetry/api";
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ResourceMetrics } from "@opentelemetry/sdk-metrics";
import type { DecodedRequest, NumberDataPoint, OtlpSignal } from "../../../src/otlp/otlp-model.ts";
import { toHrTime, toLogRecords, toReadableSpans } from "../../../src/otlp/sdk-records.ts";
import { FIXTURES_DIR } from "../../helpers/fixtures.ts";

export type OtlpExport = { receivedAt: string; path: string; contentType: string; body: Record<string, unknown> };

export const SIGNALS: OtlpSignal[] = ["traces", "logs", "metrics"];

/** One captured scenario's OTLP/JSON exports of a signal, as Claude Code sent them. */
export function loadOtlpExports(scenario: string, signal: OtlpSignal): OtlpExport[] {
  const text = readFileSync(join(FIXTURES_DIR, scenario, "otlp", `${signal}.jsonl`), "utf8");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const o = JSON.parse(line);
      return { receivedAt: o.received_at, path: o.path, contentType: o.content_type, body: o.body };
    });
}

/** Every export of a scenario in arrival order (how a live Spanlight would have received them). */
export function loadAllExports(scenario: string): Array<OtlpExport & { signal: OtlpSignal }> {
  return SIGNALS.flatMap((signal) => loadOtlpExports(scenario, signal).map((e) => ({ ...e, signal }))).sort((a, b) =>
    a.receivedAt.localeCompare(b.receivedAt),
  );
}

// sdk-metrics enums (DataPointType.GAUGE = 2, SUM = 3; AggregationTemporality DELTA = 0, CUMULATIVE = 1).
const GAUGE = 2;
const SUM = 3;

function toSdkMetrics(request: Extract<DecodedRequest, { signal: "metrics" }>): ResourceMetrics {
  if (request.resourceMetrics.length !== 1) throw new Error("the metrics serializer takes one resource per request");
  const rm = request.resourceMetrics[0]!;
  const point = (p: NumberDataPoint) => ({
    startTime: toHrTime(p.startTimeUnixNano),
    endTime: toHrTime(p.timeUnixNano),
    attributes: p.attributes as never,
    value: p.value,
  });
  return {
    resource: resourceFromAttributes(rm.resource.attributes as never),
    scopeMetrics: rm.scopeMetrics.map((sm) => ({
      scope: { name: sm.scope.name, version: sm.scope.version },
      metrics: sm.metrics.map((m) => {
        if (m.data.kind !== "sum" && m.data.kind !== "gauge") throw new Error(`no serializer input for ${m.data.kind}`);
        const isInt = m.data.points.every((p) => p.isInt);
        const descriptor = {
          name: m.name,
          description: m.description,
          unit: m.unit,
          valueType: isInt ? ValueType.INT : ValueType.DOUBLE,
        };
        return m.data.kind === "sum"
          ? {
              descriptor,
              dataPointType: SUM,
              aggregationTemporality: m.data.temporality === 2 ? 1 : 0,
              isMonotonic: m.data.isMonotonic,
              dataPoints: m.data.points.map(point),
            }
          : { descriptor, dataPointType: GAUGE, aggregationTemporality: 1, dataPoints: m.data.points.map(point) };
      }),
    })),
  } as unknown as ResourceMetrics;
}

/** Re-encodes a decoded request with the OpenTelemetry JS serializers (protobuf or JSON). */
export function serialize(request: DecodedRequest, encoding: "protobuf" | "json"): Uint8Array<ArrayBuffer> {
  let out: Uint8Array | undefined;
  const proto = encoding === "protobuf";
  switch (request.signal) {
    case "traces": {
      const spans = toReadableSpans(request.resourceSpans);
      out = (proto ? ProtobufTraceSerializer : JsonTraceSerializer).serializeRequest(spans);
      break;
    }
    case "logs": {
      const records = toLogRecords(request.resourceLogs) as never;
      out = (proto ? ProtobufLogsSerializer : JsonLogsSerializer).serializeRequest(records);
      break;
    }
    case "metrics":
      out = (proto ? ProtobufMetricsSerializer : JsonMetricsSerializer).serializeRequest(toSdkMetrics(request));
      break;
  }
  if (!out) throw new Error(`serializing ${request.signal} failed`);
  return new Uint8Array(out);
}

export function gzip(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(gzipSync(bytes));
}

export type ClaudeResult = {
  session_id: string;
  total_cost_usd: number;
  usage: Record<string, number>;
  modelUsage: Record<
    string,
    {
      inputTokens: number;
      outputTokens: number;
      cacheReadInputTokens: number;
      cacheCreationInputTokens: number;
      costUSD: number;
    }
  >;
};

/** Claude Code's own `result` messages of a scenario, in step order (result.json, result-N.json, result.jsonl). */
export function loadResults(scenario: string): ClaudeResult[] {
  const dir = join(FIXTURES_DIR, scenario);
  const names = readdirSync(dir)
    .filter((f) => /^result(-\d+)?\.jsonl?$/.test(f))
    .sort((a, b) => Number(a.match(/\d+/)?.[0] ?? 0) - Number(b.match(/\d+/)?.[0] ?? 0));
  return names.flatMap((f) => {
    const text = readFileSync(join(dir, f), "utf8");
    if (!f.endsWith(".jsonl")) return [JSON.parse(text)];
    return text
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((m) => m.type === "result");
  });
}

/** The last result per session: Claude Code's totals are cumulative over --resume/--continue. */
export function finalResults(scenario: string): ClaudeResult[] {
  const last = new Map<string, ClaudeResult>();
  for (const r of loadResults(scenario)) last.set(r.session_id, r);
  return [...last.values()];
}
