import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initCommand } from "../../src/cli/init.ts";
import { startNodeServer } from "../../src/runtime/node.ts";
import type { SessionDetail } from "../../src/schema/session.ts";
import { startFakeAnthropicApi } from "../e2e/fake-anthropic-api.ts";
import { runClaude } from "../e2e/run-claude.ts";
import { SCENARIOS } from "../e2e/scenarios.ts";
import { createTempDir } from "../hooks/helpers/temp-dir.ts";
import { captureIo } from "../install/cli-io.ts";
import { startOtlpReceiver } from "./helpers/otlp-receiver.ts";
import { receivedSpans } from "./helpers/otlp-spans.ts";

/**
 * The real Claude Code CLI (scripted fake API), hooks installed by `spanlight init --mode http`,
 * a Spanlight server with export on, and an OTLP receiver: the whole chain a user runs.
 * Slow (seconds), so `SPANLIGHT_QUICK=1` skips it.
 */
const suite = process.env.SPANLIGHT_QUICK === "1" ? describe.skip : describe;

suite("a real Claude Code session exported as a trace", () => {
  let tmp: ReturnType<typeof createTempDir>;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let server: Awaited<ReturnType<typeof startNodeServer>> | null = null;

  beforeAll(async () => {
    tmp = createTempDir("spanlight-otel-e2e-");
    receiver = await startOtlpReceiver();
    server = await startNodeServer({
      config: { otel: { export: { enabled: true, endpoint: `${receiver.url}/v1/traces`, protocol: "http/protobuf" } } },
    });
    const home = join(tmp.path, "home");
    mkdirSync(join(home, "tmp"), { recursive: true });
    const io = captureIo({ home, cwd: tmp.path, env: { PATH: process.env.PATH } });
    expect(await initCommand(["--mode", "http", "--url", server.url], io), io.text()).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    tmp?.cleanup();
  });

  it("nests the subagent and its tool calls under the Agent call in the turn's trace, linked from the API", async () => {
    const scenario = SCENARIOS.subagent;
    const project = join(tmp.path, "project");
    mkdirSync(project);
    for (const [name, text] of Object.entries(scenario.files)) writeFileSync(join(project, name), text);
    const api = await startFakeAnthropicApi(scenario.script(project));
    let sessionId: string;
    try {
      const run = await runClaude({
        home: join(tmp.path, "home"),
        cwd: project,
        apiUrl: api.url,
        prompt: scenario.prompt,
      });
      expect(run.result?.is_error, `${run.stdout}\n${run.stderr}`).toBe(false);
      sessionId = run.result!.session_id;
    } finally {
      await api.close();
    }
    const detail = (await (await fetch(`${server!.url}/api/sessions/${sessionId}`)).json()) as SessionDetail;
    expect(detail.turns).toHaveLength(1);
    const turn = detail.turns[0]!;
    expect(turn.traceId).toMatch(/^[0-9a-f]{32}$/);

    await server!.close(); // ends what is open and flushes the export queue
    server = null;
    const spans = receivedSpans(receiver.requests).filter((s) => s.traceId === turn.traceId);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentName = (name: string) => byId.get(spans.find((s) => s.name === name)!.parentSpanId!)?.name;
    const root = spans.find((s) => s.parentSpanId === null)!;
    expect(root).toMatchObject({ name: "invoke_agent claude-code" });
    expect(root.attributes).toMatchObject({ "session.id": sessionId, "prompt.id": turn.promptId });
    expect(root.attributes["spanlight.incomplete"]).toBeUndefined();
    expect(parentName("execute_tool Agent")).toBe("invoke_agent claude-code");
    expect(parentName("invoke_agent general-purpose")).toBe("execute_tool Agent");
    expect(parentName("execute_tool Bash")).toBe("invoke_agent general-purpose");
    expect(parentName("execute_tool Read")).toBe("invoke_agent general-purpose");
    for (const s of spans) {
      expect(s.endMs).toBeGreaterThanOrEqual(s.startMs);
      expect(s.resourceAttributes["service.name"]).toBe("claude-code");
    }
    // Privacy by default: the prompt is measured, not sent.
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(scenario.prompt);
    expect(root.attributes.user_prompt_length).toBe(scenario.prompt.length);
  });
});
