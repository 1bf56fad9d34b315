// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { loadHooks } from "../helpers/fixtures.ts";
import { renderDashboard } from "./helpers/in-process-ui.tsx";

afterEach(() => cleanup());

const sessionOf = (scenario: string) => loadHooks(scenario)[0]!.payload.session_id as string;
const rowKeys = () => [...document.querySelectorAll("tr.wf-row")].map((r) => r.getAttribute("data-key"));
const selectedKey = () => document.querySelector("tr.wf-row.selected")?.getAttribute("data-key");
const itemParam = () => new URLSearchParams(window.location.search).get("item");

/** The permissions capture up to its first PermissionRequest: a session waiting for the user. */
function waitingOn(notice: Record<string, unknown> | null) {
  const hooks = loadHooks("permissions").map((h) => h.payload);
  const cut = hooks.findIndex((p) => p.hook_event_name === (notice ? "PreToolUse" : "PermissionRequest"));
  const payloads = hooks.slice(0, cut + 1);
  if (notice) payloads.push({ ...payloads[0], hook_event_name: "Notification", ...notice });
  return payloads.map((payload) => ({ payload }));
}

describe("session page", () => {
  it("moves through the waterfall with j and k as with the arrow keys, opening each row's details", async () => {
    await renderDashboard({ scenarios: ["subagent"], path: `/sessions/${sessionOf("subagent")}` });
    await waitFor(() => expect(rowKeys().length).toBeGreaterThan(3));
    const keys = rowKeys();
    fireEvent.keyDown(window, { key: "j" });
    await waitFor(() => expect(selectedKey()).toBe(keys[0]));
    fireEvent.keyDown(window, { key: "j" });
    fireEvent.keyDown(window, { key: "j" });
    await waitFor(() => expect(selectedKey()).toBe(keys[2]));
    expect(document.querySelector("aside.detail")).not.toBeNull();
    fireEvent.keyDown(window, { key: "k" });
    await waitFor(() => expect(selectedKey()).toBe(keys[1]));
    await waitFor(() => expect(itemParam()).toBe(keys[1]));
    fireEvent.keyDown(window, { key: "ArrowDown" });
    await waitFor(() => expect(selectedKey()).toBe(keys[2]));
  });

  it("leaves j and k to a text field that has focus", async () => {
    await renderDashboard({ scenarios: ["subagent"], path: `/sessions/${sessionOf("subagent")}` });
    await waitFor(() => expect(rowKeys().length).toBeGreaterThan(3));
    const input = document.createElement("input");
    document.body.append(input);
    fireEvent.keyDown(input, { key: "j" });
    expect(selectedKey()).toBeUndefined();
    input.remove();
  });

  it.each([
    ["a turn the session never had", "turn:0"],
    ["a tool call it no longer holds", "tool:toolu_gone"],
    ["an LLM request it never made", "llm:req_gone"],
  ])("opens no empty details for a link to %s, and says why", async (_, item) => {
    await renderDashboard({
      scenarios: ["subagent"],
      path: `/sessions/${sessionOf("subagent")}?item=${encodeURIComponent(item)}`,
    });
    await waitFor(() => expect(screen.getByTestId("item-missing").textContent).toContain("not in this session"));
    expect(rowKeys().length).toBeGreaterThan(3);
    expect(document.querySelector("aside.detail")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Clear" }));
    await waitFor(() => expect(itemParam()).toBeNull());
    expect(screen.queryByTestId("item-missing")).toBeNull();
  });

  it.each([
    ["a permission request", null, "Waiting for you: permission for Write"],
    [
      "a permission prompt notification",
      { notification_type: "permission_prompt" },
      "Waiting for you: permission prompt",
    ],
    ["an idle prompt notification", { notification_type: "idle_prompt" }, "Waiting for you: your next prompt"],
  ])("names what the session waits for in words after %s", async (_, notice, text) => {
    await renderDashboard({
      hooks: waitingOn(notice && { message: "Claude needs your attention", ...notice }),
      path: `/sessions/${sessionOf("permissions")}`,
    });
    await waitFor(() => expect(document.querySelector(".banner-wait")?.textContent).toBe(text));
  });

  it("shows another agent's run as a run, with its current step", async () => {
    const at = (s: number) => new Date(Date.parse("2026-11-21T10:00:00Z") + s * 1000).toISOString();
    const ev = (id: string, type: string, s: number, extra = {}) => ({
      id,
      type,
      agentId: "codex-builder",
      timestamp: at(s),
      data: {},
      ...extra,
    });
    await renderDashboard({
      path: "/sessions/run-start",
      telemetry: [
        ev("run-start", "agent_start", 0),
        ev("run-2", "custom", 1, { lifecycleStage: "stepStart", stepIndex: 1, stepName: "implement" }),
        ev("run-3", "tool_call", 5, { toolName: "apply_patch", durationMs: 2500 }),
      ],
    });
    await waitFor(() => expect(rowKeys()).toContain("outside"));
    expect(document.querySelector('tr.wf-row[data-key="outside"]')?.textContent).toContain("Agent run");
    expect(screen.getByText("1 implement")).toBeTruthy();
    expect(screen.queryByText("Turns")).toBeNull();
  });

  it("links to every trace of the session in Jaeger when export is on, and not otherwise", async () => {
    const r = await renderDashboard({
      scenarios: ["multi-turn"],
      path: `/sessions/${sessionOf("multi-turn")}`,
      config: { otel: { export: { enabled: true } } },
      spanExporter: { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} },
    });
    const link = await waitFor(() => screen.getByRole("link", { name: "Traces" }));
    expect(link.getAttribute("href")).toMatch(/^http:\/\/localhost:16686\/search\?service=claude-code&tags=/);
    expect(link.getAttribute("target")).toBe("_blank");
    await r.server.otel.shutdown();
    cleanup();
    await renderDashboard({ scenarios: ["multi-turn"], path: `/sessions/${sessionOf("multi-turn")}` });
    await waitFor(() => expect(rowKeys().length).toBeGreaterThan(0));
    expect(screen.queryByRole("link", { name: "Traces" })).toBeNull();
  });
});
