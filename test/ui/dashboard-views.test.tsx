// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { loadHooks } from "../helpers/fixtures.ts";
import { renderDashboard } from "./helpers/in-process-ui.tsx";

afterEach(() => cleanup());

/** The file-ops capture replayed as `n` sessions of the same project (ids differ after 8 characters too). */
function fileOpsSessions(n: number, headers: Record<string, string> = {}) {
  const ids = Array.from({ length: n }, (_, i) => `${String(i).padStart(4, "0")}cafe-0000-4000-8000-00000000000${i}`);
  const hooks = ids.flatMap((id) =>
    loadHooks("file-ops").map((h) => ({ payload: { ...h.payload, session_id: id }, headers })),
  );
  return { ids, hooks };
}

describe("Files view", () => {
  it("names each session of a shared file by its short id, full id on hover, the rest behind +N more", async () => {
    const { ids, hooks } = fileOpsSessions(6);
    await renderDashboard({ hooks, path: "/files" });
    const row = await waitFor(() => {
      const r = [...document.querySelectorAll("table.files tbody tr")].find((tr) =>
        tr.textContent?.includes("todo.txt"),
      );
      expect(r).toBeDefined();
      return r as HTMLElement;
    });
    const chips = () => [...row.querySelectorAll<HTMLAnchorElement>("a.session-chip")];
    expect(chips()).toHaveLength(3);
    // Same project everywhere: the 8-character id is what tells the chips apart.
    for (const chip of chips()) {
      const id = ids.find((i) => chip.getAttribute("href") === `/sessions/${i}`)!;
      expect(chip.textContent).toBe(`project ${id.slice(0, 8)}`);
      expect(chip.title).toBe(`project · session ${id}`);
    }
    const more = within(row).getByRole("button", { name: "+3 more" });
    expect(more.getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(more);
    await waitFor(() => expect(chips()).toHaveLength(6));
    expect(new Set(chips().map((c) => c.getAttribute("href")))).toEqual(new Set(ids.map((i) => `/sessions/${i}`)));
    // The whole path reads as one text (it only gains break points after its separators).
    const path = row.querySelector(".file-path")!;
    expect(path.textContent).toBe(path.getAttribute("title"));
    expect(path.textContent).toMatch(/^\/.+\/notes\/todo\.txt$/);
  });
});

describe("Agents view", () => {
  it("tells an agent's sessions apart by the same 8-character id as the Live stream", async () => {
    const { ids, hooks } = fileOpsSessions(2, { "x-spanlight-agent": "laptop-main" });
    await renderDashboard({ hooks, path: "/agents" });
    await waitFor(() => expect(document.querySelectorAll(".agent-card a.session-chip")).toHaveLength(2));
    const texts = [...document.querySelectorAll(".agent-card a.session-chip")].map((c) => c.textContent);
    expect(texts.sort()).toEqual(ids.map((i) => `project ${i.slice(0, 8)}`).sort());
  });
});

describe("Overview telemetry panel", () => {
  const panel = () => screen.getByLabelText(/Claude Code telemetry/, { selector: "section" });

  it("shows no active time before any of Claude Code's metrics arrived", async () => {
    await renderDashboard({ scenarios: ["bash-echo"], path: "/" });
    // The tool bars come from the same stats as the (all-zero) activity counters.
    await waitFor(() => expect(document.querySelector(".bars li")?.textContent).toContain("Bash"));
    expect(panel().textContent).toContain("Nothing received");
    expect(panel().textContent).not.toContain("Active time");
  });

  it("shows Claude Code's active time once its metrics counted some", async () => {
    await renderDashboard({ scenarios: ["subagent"], otlp: true, path: "/" });
    await waitFor(() => expect(panel().textContent).toMatch(/Active time [\d.]+ m?s CLI/));
    // The capture counted no user time: no "0 ms you".
    expect(panel().textContent).not.toContain("0 ms you");
  });
});

describe("token problems", () => {
  it("says a wrong token was refused, and the badge does not call a reachable server offline", async () => {
    await renderDashboard({ path: "/", config: { server: { token: "s3cret-token" } }, token: "wrong-token" });
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("Token refused"));
    expect(screen.getByLabelText("API token")).toBeTruthy();
    expect(screen.getByTestId("connection").textContent).toBe("token refused");
  });

  it("says a token is needed when none was given", async () => {
    await renderDashboard({ path: "/", config: { server: { token: "s3cret-token" } } });
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("Token required"));
    expect(screen.getByTestId("connection").textContent).toBe("token needed");
  });

  it("shows the step another agent reported where a Claude Code session would show its tool", async () => {
    const at = new Date().toISOString();
    const ev = (id: string, type: string, extra = {}) => ({
      id,
      type,
      agentId: "codex-1",
      timestamp: at,
      data: {},
      ...extra,
    });
    await renderDashboard({
      path: "/",
      telemetry: [ev("r-1", "agent_start", { lifecycleStage: "start", stepIndex: 2, stepName: "implement" })],
    });
    const item = await waitFor(() => {
      const el = document.querySelector<HTMLElement>(".active-item");
      expect(el).not.toBeNull();
      return el as HTMLElement;
    });
    expect(within(item).getByText("step 2 implement")).toBeTruthy();
  });
});
