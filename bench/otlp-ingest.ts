/**
 * OTLP receiver benchmark. Run: `node --import tsx bench/otlp-ingest.ts`
 * (BENCH_SECONDS=3 per case). In one process, through the app's fetch handler (no sockets, so the
 * figures are the receiver's own cost): Claude Code's captured exports of a real session posted
 * as OTLP/JSON, protobuf and gzipped protobuf, against the baseline of the same session's hook
 * payloads posted to /v1/hooks/claude-code.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resolveConfig } from "../src/config/mod.ts";
import { decodeOtlpJson } from "../src/otlp/mod.ts";
import { toLogRecords, toReadableSpans } from "../src/otlp/sdk-records.ts";
import { createSpanlight } from "../src/server/compose.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROOT = join(import.meta.dirname, "..");
const DIR = join(ROOT, "test/fixtures/claude-code");
// The scenario with the most records per export: many tool calls, a subagent, several LLM requests.
const SCENARIO = "project-config";

type Req = { path: string; headers: Record<string, string>; body: Uint8Array | string; items: number };

function exportsOf(signal: "traces" | "logs") {
  return readFileSync(join(DIR, SCENARIO, "otlp", `${signal}.jsonl`), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l).body);
}

function items(signal: "traces" | "logs", body: unknown): number {
  const d = decodeOtlpJson(signal, body);
  if (d.signal === "traces") return d.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).length;
  if (d.signal === "logs") return d.resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords)).length;
  return 0;
}

function otlpRequests(format: "json" | "protobuf" | "protobuf+gzip"): Req[] {
  return (["logs", "traces"] as const).flatMap((signal) =>
    exportsOf(signal).map((body): Req => {
      const n = items(signal, body);
      if (format === "json") {
        return {
          path: `/v1/${signal}`,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          items: n,
        };
      }
      const d = decodeOtlpJson(signal, body);
      const bytes =
        d.signal === "traces"
          ? ProtobufTraceSerializer.serializeRequest(toReadableSpans(d.resourceSpans))!
          : ProtobufLogsSerializer.serializeRequest(toLogRecords(d.signal === "logs" ? d.resourceLogs : []) as never)!;
      const zipped = format === "protobuf+gzip";
      return {
        path: `/v1/${signal}`,
        headers: {
          "content-type": "application/x-protobuf",
          ...(zipped ? { "content-encoding": "gzip" } : {}),
        },
        body: zipped ? new Uint8Array(gzipSync(bytes)) : bytes,
        items: n,
      };
    }),
  );
}

function hookRequests(): Req[] {
  return readFileSync(join(DIR, SCENARIO, "hooks.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => ({
      path: "/v1/hooks/claude-code",
      headers: { "content-type": "application/json" },
      body: line,
      items: 1,
    }));
}

async function measure(name: string, requests: Req[]) {
  const resolved = resolveConfig([{ source: "bench", values: {} }]);
  if (!resolved.ok) throw new Error(resolved.error);
  const s = createSpanlight({ config: resolved.config });
  const bytesPerRound = requests.reduce(
    (a, r) => a + (typeof r.body === "string" ? r.body.length : r.body.byteLength),
    0,
  );
  const itemsPerRound = requests.reduce((a, r) => a + r.items, 0);
  async function round() {
    for (const r of requests) {
      const res = await s.app.request(r.path, { method: "POST", headers: r.headers, body: r.body as BodyInit });
      if (res.status >= 300) throw new Error(`${name}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  }
  // Warm-up: the decoders' first calls run unoptimised and would penalise whichever case goes first.
  const warm = performance.now();
  while (performance.now() - warm < 1000) await round();
  let rounds = 0;
  const started = performance.now();
  while (performance.now() - started < SECONDS * 1000) {
    await round();
    rounds++;
  }
  const seconds = (performance.now() - started) / 1000;
  await s.close();
  return {
    name,
    requestsPerSec: (rounds * requests.length) / seconds,
    itemsPerSec: (rounds * itemsPerRound) / seconds,
    mbPerSec: (rounds * bytesPerRound) / seconds / 1e6,
  };
}

const scenarioCheck = readdirSync(DIR).includes(SCENARIO);
if (!scenarioCheck) throw new Error(`fixture ${SCENARIO} missing`);

const results = [
  await measure("hooks (baseline)", hookRequests()),
  await measure("OTLP/JSON", otlpRequests("json")),
  await measure("OTLP/protobuf", otlpRequests("protobuf")),
  await measure("OTLP/protobuf+gzip", otlpRequests("protobuf+gzip")),
];
const base = results[0]!;
console.log(`OTLP ingest, ${SCENARIO} exports, ${SECONDS} s per case, in-process (app.fetch)`);
console.log("case                 req/s    items/s   MB/s   items/s vs hooks");
for (const r of results) {
  console.log(
    `${r.name.padEnd(20)} ${r.requestsPerSec.toFixed(0).padStart(6)} ${r.itemsPerSec.toFixed(0).padStart(10)} ${r.mbPerSec
      .toFixed(1)
      .padStart(6)}   ${(r.itemsPerSec / base.itemsPerSec).toFixed(2)}x`,
  );
}
