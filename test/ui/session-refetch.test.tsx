// @vitest-environment happy-dom
import { cleanup, waitFor } from "@solidjs/testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SessionSummary } from "../../src/schema/session.ts";
import {
  createRefetchPace,
  MAX_GAP_MS,
  MIN_GAP_MS,
  refetchGapMs,
} from "../../ui/src/features/sessions/refetch-pace.ts";
import { postHook } from "../helpers/app.ts";
import { loadHooks } from "../helpers/fixtures.ts";
import { renderDashboard } from "./helpers/in-process-ui.tsx";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const turn = () => new Promise((r) => setImmediate(r));

/** Lets pending promises and in-process requests run until `done` holds (the fake clock stands still). */
async function until(done: () => boolean, what: string) {
  for (let i = 0; i < 500 && !done(); i++) await turn();
  if (!done()) throw new Error(`never happened: ${what}`);
}

/** Lets what is already under way finish: a refetch starts synchronously when it starts at all. */
async function settle() {
  for (let i = 0; i < 20; i++) await turn();
}

describe("session page refetch pace", () => {
  it("waits a few times as long as the last refetch took, between the bounds", () => {
    expect(refetchGapMs(5)).toBe(MIN_GAP_MS);
    expect(refetchGapMs(300)).toBe(1200);
    expect(refetchGapMs(60_000)).toBe(MAX_GAP_MS);
  });

  it("never starts a refetch while one is under way, and runs the one asked for meanwhile after the gap", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const fetched: number[] = [];
    const pace = createRefetchPace(() => fetched.push(Date.now()));
    const t0 = Date.now();
    pace.call();
    expect(fetched).toEqual([t0]);
    pace.call();
    vi.advanceTimersByTime(300);
    pace.finished();
    expect(fetched).toHaveLength(1);
    vi.advanceTimersByTime(1199);
    expect(fetched).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(fetched).toEqual([t0, t0 + 1500]);
    pace.cancel();
  });

  it("refetches a slow session's detail less often, and a quick one every half second", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const first = loadHooks("multi-turn")[0]!.payload;
    const id = first.session_id as string;
    const detailPath = `/api/sessions/${id}`;
    const gate = { fetches: 0, hold: true, release: null as (() => void) | null };
    const r = await renderDashboard({
      scenarios: ["multi-turn"],
      path: `/sessions/${id}`,
      gate: (path) => {
        if (!path.startsWith(detailPath)) return undefined;
        gate.fetches++;
        return gate.hold ? new Promise<void>((res) => (gate.release = res)) : undefined;
      },
    });
    await until(() => gate.release !== null && r.ctx().store.sessions.length > 0, "first detail request");
    // The first answer takes 2 s to arrive and render: the next refetch waits MAX_GAP_MS after it.
    vi.advanceTimersByTime(2000);
    gate.hold = false;
    gate.release!();
    await until(() => document.querySelector("tr.wf-row") !== null, "waterfall rendered");
    const bump = () => {
      const s = r.ctx().store.sessions.find((x) => x.sessionId === id)!;
      const moved: SessionSummary = { ...s, eventCount: s.eventCount + 1 };
      r.sources[r.sources.length - 1]!.emit("sessions", [moved]);
      r.flush();
    };
    bump();
    await settle();
    expect(gate.fetches).toBe(1);
    vi.advanceTimersByTime(MAX_GAP_MS - 1);
    await settle();
    expect(gate.fetches).toBe(1);
    // The next answer carries a new call, so the test sees when it is on the page.
    const call = {
      ...first,
      hook_event_name: "PreToolUse",
      tool_name: "Bash",
      tool_input: {},
      tool_use_id: "toolu_paced",
    };
    expect((await postHook(r.server.app, call)).status).toBe(204);
    vi.advanceTimersByTime(1);
    await until(() => document.querySelector('tr[data-key="tool:toolu_paced"]') !== null, "second answer rendered");
    expect(gate.fetches).toBe(2);
    // That one took no time: the page is back to refetching every half second.
    bump();
    vi.advanceTimersByTime(MIN_GAP_MS - 1);
    await settle();
    expect(gate.fetches).toBe(2);
    vi.advanceTimersByTime(1);
    await until(() => gate.fetches === 3, "third detail request");
  });

  it("keeps the last answer on the page when a refetch fails", async () => {
    const id = loadHooks("multi-turn")[0]!.payload.session_id as string;
    const gate = { failing: false, failed: 0 };
    const r = await renderDashboard({
      scenarios: ["multi-turn"],
      path: `/sessions/${id}`,
      gate: (path) => {
        if (!gate.failing || !path.startsWith(`/api/sessions/${id}`)) return undefined;
        gate.failed++;
        return Promise.reject(new TypeError("Failed to fetch"));
      },
    });
    await waitFor(() => {
      expect(document.querySelector("tr.wf-row")).not.toBeNull();
      expect(r.sources.length).toBeGreaterThan(0);
      expect(r.ctx().store.sessions.length).toBeGreaterThan(0);
    });
    const rows = document.querySelectorAll("tr.wf-row").length;
    gate.failing = true;
    const s = r.ctx().store.sessions.find((x) => x.sessionId === id)!;
    r.sources[r.sources.length - 1]!.emit("sessions", [{ ...s, eventCount: s.eventCount + 1 }]);
    r.flush();
    await waitFor(() => expect(gate.failed).toBeGreaterThan(0), { timeout: 5000 });
    await settle();
    expect(document.querySelectorAll("tr.wf-row")).toHaveLength(rows);
  });
});
