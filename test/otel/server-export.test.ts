import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startNodeServer } from "../../src/runtime/node.ts";
import type { Health, SessionDetail } from "../../src/schema/mod.ts";
import { loadHooks } from "../helpers/fixtures.ts";
import { startOtlpReceiver } from "./helpers/otlp-receiver.ts";
import { receivedSpans } from "./helpers/otlp-spans.ts";
import { type SpanNode, type SpanTree, toSpanTree } from "./helpers/span-tree.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Span ids of lifecycle spans derive from server-made event ids; everything else must match. */
function withoutSpanIds(tree: SpanTree): unknown {
  const strip = (n: SpanNode): unknown => ({ ...n, spanId: undefined, children: n.children?.map(strip) });
  return tree.traces.map((t) => ({ traceId: t.traceId, spans: t.spans.map(strip) }));
}

describe.each([
  ["in-thread", false],
  ["on a worker thread", true],
])("Spanlight server with OTLP export on (%s)", (_mode, exportWorker) => {
  it("exports hooks POSTed to /v1/hooks/claude-code as the golden span tree and links turns to traces", async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(() => receiver.close());
    const server = await startNodeServer({
      config: { otel: { export: { enabled: true, endpoint: `${receiver.url}/v1/traces`, delayMs: 0 } } },
      exportWorker,
    });
    let closed = false;
    cleanups.push(() => (closed ? Promise.resolve() : server.close()));

    // spanlight doctor's test event: stored, never exported (the golden tree below has no trace of it).
    const probe = { session_id: "spanlight-doctor-1a2b3c4d", hook_event_name: "Notification", message: "test" };
    const probed = await fetch(`${server.url}/v1/hooks/claude-code`, { method: "POST", body: JSON.stringify(probe) });
    expect(probed.status).toBe(204);
    const hooks = loadHooks("subagent-background");
    for (const hook of hooks) {
      const res = await fetch(`${server.url}/v1/hooks/claude-code`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-spanlight-time": hook.receivedAt },
        body: hook.line,
      });
      expect(res.status).toBe(204);
    }
    const sessionId = hooks[0]!.payload.session_id as string;
    const detail = (await (await fetch(`${server.url}/api/sessions/${sessionId}`)).json()) as SessionDetail;
    expect(detail.turns.length).toBe(2);

    closed = true;
    await server.close(); // flushes the export queue
    const spans = receivedSpans(receiver.requests);
    const tree = toSpanTree(spans, Date.parse(hooks[0]!.receivedAt));
    const golden = JSON.parse(
      readFileSync(join(import.meta.dirname, "..", "golden", "subagent-background.json"), "utf8"),
    ) as SpanTree;
    expect(withoutSpanIds(tree)).toEqual(withoutSpanIds(golden));

    for (const turn of detail.turns) {
      const root = spans.find((s) => s.traceId === turn.traceId && s.parentSpanId === null);
      expect(root?.name).toBe("invoke_agent claude-code");
      expect(root?.attributes["prompt.id"]).toBe(turn.promptId);
      expect(turn.traceUrl).toBe(`http://localhost:16686/trace/${turn.traceId}`);
    }
    expect(spans[0]!.resourceAttributes["service.name"]).toBe("claude-code");
  });

  it("reports export counters in /health, and ingest keeps answering while the receiver is down", async () => {
    const receiver = await startOtlpReceiver();
    await receiver.stop();
    const server = await startNodeServer({
      config: {
        otel: { export: { enabled: true, endpoint: `${receiver.url}/v1/traces`, delayMs: 0, retries: 0 } },
      },
      exportWorker,
    });
    cleanups.push(() => server.close());
    for (const hook of loadHooks("bash-echo")) {
      const res = await fetch(`${server.url}/v1/hooks/claude-code`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: hook.line,
      });
      expect(res.status).toBe(204);
    }
    await server.spanlight.otel.shutdown(); // one last attempt for whatever is queued
    const health = (await (await fetch(`${server.url}/health`)).json()) as Health;
    expect(health.export.enabled).toBe(true);
    expect(health.export.thread).toBe(exportWorker ? "worker" : "main");
    expect(health.export.failed).toBeGreaterThan(0);
    expect(health.export.exported).toBe(0);
    expect(health.export.lastError).toMatch(/ECONNREFUSED|fetch failed/);
  });
});
