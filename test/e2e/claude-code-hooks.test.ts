import { mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { initCommand } from "../../src/cli/init.ts";
import { startNodeServer } from "../../src/runtime/node.ts";
import type { SessionDetail } from "../../src/schema/session.ts";
import type { EventsPage } from "../../src/schema/wire.ts";
import { hooksEnded } from "../hooks/helpers/run-hook.ts";
import { createTempDir } from "../hooks/helpers/temp-dir.ts";
import { captureIo } from "../install/cli-io.ts";
import { startFakeAnthropicApi } from "./fake-anthropic-api.ts";
import { runClaude } from "./run-claude.ts";
import { SCENARIOS, type Scenario } from "./scenarios.ts";

/**
 * The real Claude Code CLI, run against the scripted fake API with the hooks `spanlight init`
 * installs into a temporary HOME, reporting to a Spanlight server started here. Slow (a few
 * seconds per session), so `SPANLIGHT_QUICK=1` skips it.
 */
const suite = process.env.SPANLIGHT_QUICK === "1" ? describe.skip : describe;

type Server = Awaited<ReturnType<typeof startNodeServer>>;

suite.each(["http", "command"] as const)("Claude Code with hooks installed by spanlight init --mode %s", (mode) => {
  let tmp: ReturnType<typeof createTempDir>;
  let home: string;
  let server: Server;
  const agent = `e2e-${mode}`;
  let runs = 0;

  beforeAll(async () => {
    tmp = createTempDir("spanlight-e2e-");
    home = join(tmp.path, "home");
    mkdirSync(join(home, "tmp"), { recursive: true });
    server = await startNodeServer();
    const io = captureIo({ home, cwd: tmp.path, env: { PATH: process.env.PATH } });
    io.hostName = () => hostname();
    // http mode also installs the OTel env block, so Claude Code's own cost reaches the session.
    const otel = mode === "http" ? ["--otel"] : [];
    expect(await initCommand(["--mode", mode, "--url", server.url, ...otel], io), io.text()).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
    if (tmp) await hooksEnded(tmp.path);
    tmp?.cleanup();
  });

  /** Runs one scripted session; returns its id once Claude Code has exited cleanly. */
  async function runScenario(scenario: Scenario): Promise<string> {
    return (await runScenarioWithResult(scenario)).session_id;
  }

  async function runScenarioWithResult(scenario: Scenario) {
    const project = join(tmp.path, `${scenario.name}-${++runs}`);
    mkdirSync(project);
    for (const [name, text] of Object.entries(scenario.files)) writeFileSync(join(project, name), text);
    const api = await startFakeAnthropicApi(scenario.script(project));
    try {
      const run = await runClaude({
        home,
        cwd: project,
        apiUrl: api.url,
        prompt: scenario.prompt,
        env: { CLAUDE_INSTANCE_ID: agent },
      });
      expect(run.result?.is_error, `${run.stdout}\n${run.stderr}`).toBe(false);
      expect(api.overruns).toEqual([]);
      return run.result!;
    } finally {
      await api.close();
    }
  }

  async function sessionDetail(id: string): Promise<SessionDetail> {
    const res = await fetch(`${server.url}/api/sessions/${id}`);
    expect(res.status).toBe(200);
    return (await res.json()) as SessionDetail;
  }

  async function eventTypes(id: string): Promise<string[]> {
    const page = (await (await fetch(`${server.url}/api/events?sessionId=${id}&limit=500`)).json()) as EventsPage;
    return page.events.map((e) => e.type).reverse();
  }

  /**
   * Command hooks deliver in the background, so the session fills in after Claude Code exits:
   * retries `check` until the stored session passes it.
   */
  async function eventually(id: string, check: (detail: SessionDetail, types: string[]) => void) {
    await vi.waitFor(
      async () => {
        const detail = await sessionDetail(id);
        check(detail, await eventTypes(id));
      },
      { timeout: 20_000, interval: 50 },
    );
  }

  it("records a Bash call in one completed turn of an ended session", async () => {
    const result = await runScenarioWithResult(SCENARIOS.bash);
    const id = result.session_id;
    await eventually(id, (d, types) => {
      if (mode === "http") expect(d.totalCostUsd).toBeCloseTo(result.total_cost_usd, 8);
      expect(types.filter((t) => !t.startsWith("claude_code.")).sort()).toEqual(
        ["PostToolBatch", "PostToolUse", "PreToolUse", "SessionEnd", "SessionStart", "Stop", "UserPromptSubmit"].sort(),
      );
      expect(d).toMatchObject({ status: "ended", agentId: agent, turnCount: 1, toolCallCount: 1, errorCount: 0 });
      expect(d.turns).toMatchObject([{ index: 1, status: "completed", outcome: "stop", toolCallCount: 1 }]);
      expect(d.turns[0]!.promptPreview).toBe(SCENARIOS.bash.prompt);
      const [call] = d.toolCalls;
      expect(call).toMatchObject({ toolName: "Bash", status: "ok", command: "echo hello-from-e2e", turnIndex: 1 });
      expect(call!.durationMs).toBeGreaterThanOrEqual(0);
      expect(call!.endedAt).not.toBeNull();
    });
    const sessions = (await (await fetch(`${server.url}/api/sessions`)).json()) as { sessionId: string }[];
    expect(sessions.map((s) => s.sessionId)).toContain(id);
  });

  it("records file operations with the files they touched", async () => {
    const id = await runScenario(SCENARIOS.fileOps);
    await eventually(id, (d) => {
      expect(d.status).toBe("ended");
      expect(d.toolCalls.map((c) => [c.toolName, c.status])).toEqual([
        ["Write", "ok"],
        ["Read", "ok"],
        ["Edit", "ok"],
        ["Grep", "ok"],
      ]);
      const notes = d.files.find((f) => f.path.endsWith("/notes.txt"));
      expect(notes).toMatchObject({ reads: 1, writes: 1, edits: 1 });
    });
  });

  it("records failing tools as errors with their messages", async () => {
    const id = await runScenario(SCENARIOS.failing);
    await eventually(id, (d, types) => {
      expect(types.filter((t) => t === "PostToolUseFailure")).toHaveLength(2);
      expect(d).toMatchObject({ status: "ended", errorCount: 2 });
      expect(d.turns).toMatchObject([{ status: "completed", errorCount: 2 }]);
      const [bash, read] = d.toolCalls;
      expect(bash).toMatchObject({ toolName: "Bash", status: "error" });
      expect(bash!.error).toContain("Exit code 3");
      expect(read).toMatchObject({ toolName: "Read", status: "error" });
      expect(read!.error).toContain("does not exist");
      expect(bash!.durationMs).toBeGreaterThanOrEqual(0);
    });
  });

  it("records parallel tool calls of one assistant message in the same turn", async () => {
    const id = await runScenario(SCENARIOS.parallel);
    await eventually(id, (d, types) => {
      expect(d.status).toBe("ended");
      expect(d.toolCalls.map((c) => c.toolName).sort()).toEqual(["Bash", "Read", "Read"]);
      for (const call of d.toolCalls) expect(call).toMatchObject({ status: "ok", turnIndex: 1 });
      // All three started before any finished: Claude Code ran them as one batch.
      const tools = types.filter((t) => t === "PreToolUse" || t === "PostToolUse");
      expect(tools).toEqual(["PreToolUse", "PreToolUse", "PreToolUse", "PostToolUse", "PostToolUse", "PostToolUse"]);
      expect(types.filter((t) => t === "PostToolBatch")).toHaveLength(1);
    });
  });

  it("records a synchronous subagent under the Agent call that launched it", async () => {
    const id = await runScenario(SCENARIOS.subagent);
    await eventually(id, (d) => {
      expect(d).toMatchObject({ status: "ended", subagentCount: 1, toolCallCount: 3 });
      const launch = d.toolCalls.find((c) => c.toolName === "Agent");
      expect(launch).toMatchObject({ status: "ok", subagentId: null });
      const [sub] = d.subagents;
      expect(sub).toMatchObject({
        agentType: "general-purpose",
        status: "completed",
        background: false,
        toolCallCount: 2,
        parentToolUseId: launch!.toolUseId,
      });
      const nested = d.toolCalls.filter((c) => c.subagentId === sub!.agentId);
      expect(nested.map((c) => [c.toolName, c.status])).toEqual([
        ["Bash", "ok"],
        ["Read", "ok"],
      ]);
      // The Agent call spans the subagent's work.
      expect(Date.parse(launch!.endedAt!)).toBeGreaterThanOrEqual(Date.parse(sub!.endedAt!));
    });
  });

  if (mode === "command") {
    it("loses nothing from a session run while the server was down", async () => {
      const port = server.port;
      await server.close();
      const id = await runScenario(SCENARIOS.bash);
      server = await startNodeServer({ config: { server: { port } } });
      // Any later hook delivers the spool; here the next session's first one does.
      const next = await runScenario(SCENARIOS.failing);
      await eventually(id, (d) => {
        expect(d).toMatchObject({ status: "ended", turnCount: 1, toolCallCount: 1 });
        expect(d.toolCalls[0]).toMatchObject({ toolName: "Bash", status: "ok" });
      });
      await eventually(next, (d) => expect(d.status).toBe("ended"));
    });
  }
});
