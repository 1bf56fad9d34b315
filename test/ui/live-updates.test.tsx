// @vitest-environment happy-dom
import { cleanup, fireEvent, waitFor, within } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { postHook } from "../helpers/app.ts";
import { loadHooks } from "../helpers/fixtures.ts";
import { renderDashboard } from "./helpers/in-process-ui.tsx";

afterEach(() => cleanup());

type Page = Awaited<ReturnType<typeof renderDashboard>>;

// The views throttle their refetches (Files: one per 2 s); the page's first load may have used the
// leading edge, so a refetch can come on the trailing one.
const REFETCHED = { timeout: 15_000 };

/** Stores hooks and streams what changed to the page: the events, then the coalesced summaries. */
async function deliver(r: Page, payloads: Array<Record<string, unknown>>, headers: Record<string, string> = {}) {
  const source = await waitFor(() => {
    expect(r.sources.length).toBeGreaterThan(0);
    return r.sources[r.sources.length - 1]!;
  });
  for (const payload of payloads) {
    const res = await postHook(r.server.app, payload, headers);
    if (res.status !== 204) throw new Error(`post: ${res.status}`);
    source.emit("event", r.server.store.event(r.server.store.buffer().newestSeq));
  }
  source.emit("sessions", await (await r.server.app.request("/api/sessions")).json());
  r.flush();
}

function fileOps(id: string, headers: Record<string, string> = {}) {
  return loadHooks("file-ops").map((h) => ({ payload: { ...h.payload, session_id: id }, headers }));
}

const sessionId = (i: number) => `${String(i).padStart(4, "0")}beef-0000-4000-8000-000000000000`;

// Refetched lists come back as fresh objects; rows must be updated in place, not rebuilt.
describe("views that refetch while events stream", () => {
  it("keeps the waterfall's rows when a session refetch adds a tool call", async () => {
    const first = loadHooks("multi-turn")[0]!.payload;
    const id = first.session_id as string;
    const r = await renderDashboard({ scenarios: ["multi-turn"], path: `/sessions/${id}` });
    const row = await waitFor(() => {
      const el = document.querySelector<HTMLElement>('tr.wf-row[data-key="turn:1"]');
      expect(el).not.toBeNull();
      return el as HTMLElement;
    });
    await deliver(r, [
      {
        ...first,
        hook_event_name: "PreToolUse",
        tool_name: "Bash",
        tool_input: { command: "echo later" },
        tool_use_id: "toolu_added_later",
      },
    ]);
    await waitFor(
      () => expect(document.querySelector('tr.wf-row[data-key="tool:toolu_added_later"]')).not.toBeNull(),
      REFETCHED,
    );
    expect(document.querySelector('tr.wf-row[data-key="turn:1"]')).toBe(row);
  });

  it("leaves a file's opened session list open when the Files view refetches", async () => {
    const hooks = [1, 2, 3, 4, 5].flatMap((i) => fileOps(sessionId(i)));
    const r = await renderDashboard({ hooks, path: "/files" });
    const todoRow = () =>
      [...document.querySelectorAll<HTMLElement>("table.files tbody tr")].find((tr) =>
        tr.textContent?.includes("todo.txt"),
      );
    const more = await waitFor(() => within(todoRow()!).getByRole("button", { name: "+2 more" }));
    fireEvent.click(more);
    await waitFor(() => expect(todoRow()!.querySelectorAll("a.session-chip")).toHaveLength(5));
    await deliver(
      r,
      fileOps(sessionId(6)).map((h) => h.payload),
    );
    // The sixth session shows either way: in the open list, or behind "+3 more" once it closed.
    await waitFor(
      () =>
        expect(
          todoRow()!.querySelectorAll("a.session-chip").length === 6 || !!todoRow()!.textContent?.includes("+3 more"),
        ).toBe(true),
      REFETCHED,
    );
    expect(todoRow()!.querySelector("button")?.getAttribute("aria-expanded")).toBe("true");
    expect(todoRow()!.querySelectorAll("a.session-chip")).toHaveLength(6);
  });

  it("updates an agent's card in place when the Agents view refetches", async () => {
    const headers = { "x-spanlight-agent": "laptop-main" };
    const r = await renderDashboard({ hooks: fileOps(sessionId(1), headers), path: "/agents" });
    const card = await waitFor(() => {
      const el = document.querySelector<HTMLElement>(".agent-card");
      expect(el?.textContent).toContain("laptop-main");
      return el as HTMLElement;
    });
    const before = card.textContent;
    await deliver(
      r,
      [{ ...fileOps(sessionId(1))[0]!.payload, hook_event_name: "Notification", message: "hi" }],
      headers,
    );
    await waitFor(() => expect(document.querySelector(".agent-card")?.textContent).not.toBe(before), REFETCHED);
    expect(document.querySelector(".agent-card")).toBe(card);
  });
});

describe("session list", () => {
  it("drops the sessions the server evicted past store.maxSessions", async () => {
    const r = await renderDashboard({
      config: { store: { maxSessions: 3 } },
      hooks: [1, 2, 3].flatMap((i) => fileOps(sessionId(i))),
      path: "/sessions",
    });
    const shown = () =>
      [...document.querySelectorAll<HTMLAnchorElement>("table.data tbody a[href^='/sessions/']")].map((a) =>
        decodeURIComponent(a.getAttribute("href")!.slice("/sessions/".length)),
      );
    await waitFor(() => expect(shown()).toHaveLength(3));
    // A fourth session evicts the oldest: the stream tells only about the new one, and the stats.
    await deliver(
      r,
      fileOps(sessionId(4)).map((h) => h.payload),
    );
    r.sources[r.sources.length - 1]!.emit("stats", await (await r.server.app.request("/api/stats")).json());
    r.flush();
    const server = ((await (await r.server.app.request("/api/sessions")).json()) as Array<{ sessionId: string }>).map(
      (s) => s.sessionId,
    );
    expect(server).toHaveLength(3);
    expect(server).not.toContain(sessionId(1));
    await waitFor(() => expect(shown().sort()).toEqual([...server].sort()), REFETCHED);
  });
});

describe("Live stream details", () => {
  it("stays open on an event the page's cap has dropped", async () => {
    const first = loadHooks("multi-turn")[0]!.payload;
    const r = await renderDashboard({ scenarios: ["multi-turn"], path: "/live", cap: 20 });
    const oldest = await waitFor(() => {
      const rows = document.querySelectorAll<HTMLElement>("tr.row");
      expect(rows.length).toBe(20);
      return rows[rows.length - 1] as HTMLElement;
    });
    const seq = oldest.dataset.seq;
    fireEvent.click(oldest);
    await waitFor(() => expect(document.querySelector("aside.detail")?.textContent).toContain(`#${seq}`));
    await deliver(
      r,
      [0, 1, 2, 3, 4].map((i) => ({ ...first, hook_event_name: "UserPromptSubmit", prompt: `p${i}` })),
    );
    await waitFor(() => expect(document.querySelector(`tr.row[data-seq="${seq}"]`)).toBeNull());
    expect(document.querySelector("aside.detail")?.textContent).toContain(`#${seq}`);
  });
});
