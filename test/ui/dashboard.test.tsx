// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { loadHooks } from "../helpers/fixtures.ts";
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
