// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import type { SessionDetail } from "../../src/schema/session.ts";
import { formatCost } from "../../ui/src/lib/format.ts";
import { formatExact } from "../../ui/src/lib/usage.ts";
import { loadHooks } from "../helpers/fixtures.ts";
import { finalResults } from "../otlp/helpers/otlp-fixtures.ts";
import { renderDashboard } from "./helpers/in-process-ui.tsx";

afterEach(() => cleanup());

const hooks = loadHooks("bash-echo").map((h) => h.payload);
const prompt = hooks.find((p) => p.hook_event_name === "UserPromptSubmit")!;
const XSS = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`;

function rowCount() {
  return document.querySelectorAll("table.events tbody tr.row").length;
}

describe("dashboard in a DOM", () => {
  it("shows live rows as events stream in, newest first", async () => {
    const ui = await renderDashboard({ path: "/live" });
    await waitFor(() => expect(ui.sources.length).toBe(1));
    expect(ui.sources[0]!.url).toContain("lastEventId=0");
    for (const p of hooks.slice(0, 3)) await ui.post(p);
    ui.flush();
    expect(rowCount()).toBe(3);
    const first = document.querySelector("table.events tbody tr.row");
    expect(first?.getAttribute("data-seq")).toBe("3");
    expect(screen.getByTestId("row-count").textContent).toContain("3 events");
  });

  it("renders markup inside events as text, never as HTML", async () => {
    const ui = await renderDashboard({ path: "/live" });
    await waitFor(() => expect(ui.sources.length).toBe(1));
    const e = await ui.post({ ...prompt, prompt: XSS });
    ui.flush();
    const row = document.querySelector(`tr[data-seq="${e.seq}"]`) as HTMLElement;
    expect(row.textContent).toContain("<script>");
    fireEvent.click(row);
    await waitFor(() => expect(document.querySelector("aside.detail")).not.toBeNull());
    expect(document.querySelector("aside.detail pre")?.textContent).toContain(XSS.replaceAll('"', '\\"'));
    expect(document.querySelectorAll("main script, main img").length).toBe(0);
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it("filters rows as you type in search", async () => {
    const ui = await renderDashboard({ path: "/live" });
    await waitFor(() => expect(ui.sources.length).toBe(1));
    for (const p of hooks) await ui.post(p);
    ui.flush();
    const total = rowCount();
    const input = screen.getByLabelText("Search") as HTMLInputElement;
    fireEvent.input(input, { target: { value: "posttooluse" } });
    await waitFor(() => expect(rowCount()).toBeLessThan(total));
    const types = [...document.querySelectorAll("table.events tbody tr.row .type-name")].map((c) => c.textContent);
    expect(types.length).toBeGreaterThan(0);
    expect(types.every((t) => t?.startsWith("PostToolUse"))).toBe(true);
    expect(window.location.search).toContain("q=posttooluse");
  });

  it("counts events that arrive while paused and shows them on resume", async () => {
    const ui = await renderDashboard({ path: "/live" });
    await waitFor(() => expect(ui.sources.length).toBe(1));
    await ui.post(hooks[0]);
    ui.flush();
    fireEvent.keyDown(window, { key: " " });
    for (const p of hooks.slice(1, 4)) await ui.post(p);
    ui.flush();
    expect(rowCount()).toBe(1);
    expect(screen.getByTestId("pause").textContent).toContain("3 new");
    fireEvent.click(screen.getByTestId("pause"));
    expect(rowCount()).toBe(4);
  });

  it("moves through rows with the arrow keys and closes details with Escape", async () => {
    const ui = await renderDashboard({ path: "/live" });
    await waitFor(() => expect(ui.sources.length).toBe(1));
    for (const p of hooks.slice(0, 3)) await ui.post(p);
    ui.flush();
    fireEvent.keyDown(window, { key: "ArrowDown" });
    fireEvent.keyDown(window, { key: "ArrowDown" });
    await waitFor(() => expect(document.querySelector("tr.selected")?.getAttribute("data-seq")).toBe("2"));
    expect(document.querySelector("aside.detail h2")?.textContent).toContain("#2");
    fireEvent.keyDown(window, { key: "Escape" });
    await waitFor(() => expect(document.querySelector("aside.detail")).toBeNull());
  });

  it("asks for the token when the server requires one", async () => {
    await renderDashboard({ path: "/", config: { server: { token: "s3cret-token" } } });
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("Token required"));
    expect(screen.getByLabelText("API token")).toBeTruthy();
  });

  it("loads with a valid token and shows live status after hello", async () => {
    const ui = await renderDashboard({
      path: "/",
      config: { server: { token: "s3cret-token" } },
      token: "s3cret-token",
    });
    await waitFor(() => expect(ui.sources.length).toBe(1));
    expect(ui.sources[0]!.url).toContain("token=s3cret-token");
    ui.sources[0]!.emit("hello", {
      bootId: ui.server.bootId,
      version: "x",
      oldestSeq: 0,
      newestSeq: 0,
      heartbeatMs: 1,
    });
    ui.flush();
    expect(screen.getByTestId("connection").textContent).toBe("live");
    expect(document.querySelector("[role=alert]")).toBeNull();
  });

  it("shows a session's waterfall with the subagent nested under its Agent call", async () => {
    await renderDashboard({
      scenarios: ["subagent"],
      path: (server) => `/sessions/${server.store.sessions()[0]!.sessionId}`,
    });
    await waitFor(() => expect(document.querySelectorAll("tr.wf-row").length).toBeGreaterThan(3));
    const rows = [...document.querySelectorAll("tr.wf-row")].map((r) => ({
      key: r.getAttribute("data-key"),
      depth: Number(r.getAttribute("data-depth")),
      label: r.querySelector(".wf-label")?.textContent,
    }));
    const agent = rows.findIndex((r) => r.label === "Agent");
    expect(rows[agent + 1]).toMatchObject({ depth: rows[agent]!.depth + 1, label: "general-purpose" });
    expect(rows.slice(agent + 2).map((r) => `${r.depth}:${r.label}`)).toEqual(
      expect.arrayContaining([`${rows[agent]!.depth + 2}:Bash`, `${rows[agent]!.depth + 2}:Read`]),
    );
    fireEvent.click(screen.getByRole("button", { name: "Collapse general-purpose" }));
    await waitFor(() => expect(document.querySelectorAll("tr.wf-row").length).toBe(rows.length - 2));
  });

  it("says when the server cannot be reached", async () => {
    await renderDashboard({ path: "/", unreachable: () => true });
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("Server unreachable"));
    expect(screen.getByTestId("connection").textContent).toBe("offline");
  });

  it("notes events evicted from the server's ring", async () => {
    const ui = await renderDashboard({ path: "/live", config: { store: { maxEvents: 10 } } });
    await waitFor(() => expect(ui.sources.length).toBe(1));
    for (const p of [...hooks, ...hooks]) await ui.post(p);
    ui.sources[0]!.emit("stats", await (await ui.server.app.request("/api/stats")).json());
    ui.flush();
    const evicted = hooks.length * 2 - 10;
    expect(screen.getByRole("note").textContent).toContain(`${evicted} older events were evicted`);
  });
});

describe("dashboard with trace export on", () => {
  it("says on every view while export is failing, and counts exported spans on the Overview", async () => {
    const ui = await renderDashboard({ path: "/" });
    await waitFor(() => expect(ui.sources.length).toBe(1));
    const stats = await (await ui.server.app.request("/api/stats")).json();
    const lastError = "POST http://localhost:4318/v1/traces failed: fetch failed (ECONNREFUSED)";
    const failing = { enabled: true, exported: 1843, dropped: 0, failed: 12, queued: 0, lastError, thread: "worker" };
    ui.sources[0]!.emit("stats", { ...stats, export: failing });
    ui.flush();
    expect(screen.getByTestId("export-failing").textContent).toContain(`${lastError}. 12 spans not delivered`);
    const card = screen.getByText("Spans exported").closest(".card")!;
    expect(card.querySelector(".card-value")!.textContent).toBe("1843");
    expect(card.querySelector(".card-hint")!.textContent).toBe("12 not delivered");
    expect(card.classList.contains("card-error")).toBe(true);

    ui.sources[0]!.emit("stats", { ...stats, export: { ...failing, exported: 2000, lastError: null } });
    ui.flush();
    expect(screen.queryByTestId("export-failing")).toBeNull();
    expect(card.classList.contains("card-error")).toBe(false);
    expect(card.querySelector(".card-value")!.textContent).toBe("2000");
  });

  it("shows no export card or note while export is off", async () => {
    const ui = await renderDashboard({ path: "/" });
    await waitFor(() => expect(ui.sources.length).toBe(1));
    ui.sources[0]!.emit("stats", await (await ui.server.app.request("/api/stats")).json());
    ui.flush();
    expect(screen.getByText("Events")).toBeTruthy();
    expect(screen.queryByText("Spans exported")).toBeNull();
    expect(screen.queryByTestId("export-failing")).toBeNull();
  });
});

describe("dashboard with Claude Code's own telemetry", () => {
  // The hooks' session: OTLP may also know Claude Code's session before a resume.
  const sessionOf = (scenario: string) => loadHooks(scenario)[0]!.payload.session_id as string;
  const sessionPage = (scenario: string) => `/sessions/${sessionOf(scenario)}`;

  async function sessionDetail(ui: Awaited<ReturnType<typeof renderDashboard>>, scenario: string) {
    const res = await ui.server.app.request(`/api/sessions/${sessionOf(scenario)}`);
    return (await res.json()) as SessionDetail;
  }

  it("shows a session's exact cost, tokens, where they come from, and the per-model table", async () => {
    await renderDashboard({ scenarios: ["subagent"], otlp: true, path: sessionPage("subagent") });
    const [result] = finalResults("subagent");
    await waitFor(() =>
      expect(screen.getByTestId("session-cost").textContent).toBe(formatCost(result!.total_cost_usd)),
    );
    expect(screen.getByTestId("usage-note").textContent).toContain("exact, from Claude Code's own telemetry");
    const [model, usage] = Object.entries(result!.modelUsage)[0]!;
    const row = document.querySelector(`table.models tr[data-model="${model}"]`)!;
    const cells = [...row.querySelectorAll("td")].map((c) => c.textContent);
    expect(cells).toEqual([
      model,
      "5",
      formatExact(usage.inputTokens),
      formatExact(usage.outputTokens),
      formatExact(usage.cacheReadInputTokens),
      formatExact(usage.cacheCreationInputTokens),
      formatCost(usage.costUSD),
    ]);
  });

  it("draws the LLM requests in the waterfall with tokens, cost and a first-token marker, and opens their details", async () => {
    const ui = await renderDashboard({ scenarios: ["subagent"], otlp: true, path: sessionPage("subagent") });
    await waitFor(() => expect(document.querySelectorAll("tr.wf-llm").length).toBe(5));
    const detail = await sessionDetail(ui, "subagent");
    expect(document.querySelectorAll("tr.wf-llm .wf-ttft").length).toBe(5);
    const turnRow = document.querySelector("tr.wf-turn .wf-usage")!;
    expect(turnRow.textContent).toContain(formatCost(detail.turns[0]!.costUsd));
    const first = detail.llmRequests![0]!;
    const row = document.querySelector(`tr[data-key="llm:${first.requestId}"]`) as HTMLElement;
    expect(row.querySelector(".wf-label")?.textContent).toBe(first.model);
    expect(row.querySelector(".wf-usage")?.textContent).toContain(`$${first.costUsd!.toFixed(4)}`);
    fireEvent.click(row);
    await waitFor(() => expect(document.querySelector("aside.detail h2")?.textContent).toBe("LLM request"));
    const panel = document.querySelector("aside.detail")!.textContent!;
    expect(panel).toContain(`after ${first.ttftMs} ms`);
    expect(panel).toContain(formatExact(first.cacheCreationTokens));
    expect(panel).toContain(first.requestId!);
    await waitFor(() =>
      expect(window.location.search).toContain(`item=${encodeURIComponent(`llm:${first.requestId}`)}`),
    );
    fireEvent.click(screen.getByLabelText(/LLM requests in the timeline/));
    await waitFor(() => expect(document.querySelectorAll("tr.wf-llm").length).toBe(0));
    await waitFor(() => expect(window.location.search).toContain("llm=hide"));
  });

  it("marks a failed LLM request and shows Claude Code's view of a tool call", async () => {
    const ui = await renderDashboard({ scenarios: ["api-error"], otlp: true, path: sessionPage("api-error") });
    await waitFor(() => expect(document.querySelectorAll("tr.wf-llm.problem").length).toBe(1));
    expect(document.querySelector("tr.wf-llm.problem .wf-detail")?.textContent).toContain("500");
    const call = (await sessionDetail(ui, "api-error")).toolCalls[0]!;
    fireEvent.click(document.querySelector(`tr[data-key="tool:${call.toolUseId}"]`)!);
    await waitFor(() => expect(document.querySelector("aside.detail")?.textContent).toContain("Decision"));
    const panel = document.querySelector("aside.detail")!.textContent!;
    expect(panel).toContain(`${call.native!.decision} by ${call.native!.decisionSource}`);
    expect(panel).toContain(`ran ${call.native!.durationMs} ms`);
  });

  it("says when a session's numbers come from metrics only, without per-request rows", async () => {
    await renderDashboard({
      scenarios: ["multi-turn"],
      otlp: (signal) => signal === "metrics",
      path: sessionPage("multi-turn"),
    });
    await waitFor(() => expect(screen.getByTestId("usage-note").textContent).toContain("cost and token metrics"));
    expect(document.querySelector(".meta .usage-src")?.textContent).toBe("metrics");
    // Claude Code's totals are cumulative over its resumes: the last result is the session's.
    const result = finalResults("multi-turn").at(-1)!;
    expect(screen.getByTestId("session-cost").textContent).toBe(formatCost(result.total_cost_usd));
    expect(document.querySelector("table.models tbody td:nth-child(2)")?.textContent).toBe("—");
    expect(document.querySelectorAll("tr.wf-llm").length).toBe(0);
    expect(document.querySelector(".wf-usage")).toBeNull();
  });

  it("tells a hooks-only session that cost needs Claude Code's telemetry, and how to turn it on", async () => {
    await renderDashboard({ scenarios: ["subagent"], path: sessionPage("subagent") });
    await waitFor(() => expect(screen.getByTestId("usage-note").textContent).toContain("spanlight init --otel"));
    expect(screen.getByTestId("session-cost").textContent).toBe("—");
    expect(document.querySelector("table.models")).toBeNull();
    expect(document.querySelector("th[title*='Tokens']")).toBeNull();
  });

  it("lists sessions with tokens, cost and its source, and sums cost per model on the Overview", async () => {
    const ui = await renderDashboard({ scenarios: ["subagent", "api-error"], otlp: true, path: "/sessions" });
    await waitFor(() => expect(document.querySelectorAll("td.cell-cost").length).toBe(2));
    const heads = [...document.querySelector("table.data")!.querySelectorAll("thead th")];
    expect(heads.map((h) => h.textContent)).toEqual([
      "Status",
      "Project",
      "Agent",
      "Started",
      "Duration",
      "Turns",
      "Tool calls",
      "Errors",
      "Tokens",
      "Cost",
    ]);
    expect(heads.every((h) => h.getAttribute("scope") === "col")).toBe(true);
    // Numbers are right-aligned under a right-aligned header; the token column says what it sums.
    expect(heads.filter((h) => h.classList.contains("num")).length).toBe(6);
    expect(heads[8]!.getAttribute("title")).toBe("Input, output and cache tokens");
    expect(heads[0]!.hasAttribute("title")).toBe(false);
    expect([...document.querySelectorAll("td.cell-cost .usage-src")].map((t) => t.textContent)).toEqual([
      "exact",
      "exact",
    ]);
    ui.unmount();
    const overview = await renderDashboard({ scenarios: ["subagent", "api-error"], otlp: true, path: "/" });
    const stats = (await (await overview.server.app.request("/api/stats")).json()) as {
      totalCostUsd: number;
      models: Array<{ model: string; requests: number }>;
    };
    await waitFor(() => expect(document.querySelector("table.models tbody tr")).not.toBeNull());
    const row = document.querySelector(`table.models tr[data-model="${stats.models[0]!.model}"]`)!;
    expect(row.querySelectorAll("td")[1]?.textContent).toBe(String(stats.models[0]!.requests));
    expect(row.textContent).toContain(formatCost(stats.totalCostUsd));
    expect(document.querySelector(".source-line")?.textContent).toContain("exact for 2 sessions");
    expect(screen.getByLabelText(/Claude Code telemetry/, { selector: "section" }).textContent).toContain("logs");
  });

  it("shows Claude Code's OTLP events in the Live stream with a short type, an otel tag and a summary", async () => {
    const ui = await renderDashboard({ path: "/live" });
    await waitFor(() => expect(ui.sources.length).toBe(1));
    const { postScenarioOtlp } = await import("../otlp/helpers/post-otlp.ts");
    await postScenarioOtlp(ui.server.app, "subagent", "json", (signal) => signal === "logs");
    for (const e of ui.server.store.after(0)) ui.sources[0]!.emit("event", e);
    ui.flush();
    const rows = [...document.querySelectorAll("table.events tbody tr.row")];
    expect(rows.length).toBeGreaterThan(5);
    const request = rows.find((r) => r.querySelector(".type-name")?.textContent === "api_request")!;
    expect(request.querySelector(".type-name")?.getAttribute("title")).toBe("claude_code.api_request");
    expect(request.querySelector(".src-tag")?.textContent).toBe("otel");
    expect(request.querySelector(".summary-text")?.textContent).toMatch(/^claude-opus-5-5 · \d+ in · \d+ out/);
    expect(request.querySelector(".tone-llm")).not.toBeNull();
  });
});
