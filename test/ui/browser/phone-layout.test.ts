import { describe, expect, it } from "vitest";
import { loadHooks } from "../../helpers/fixtures.ts";
import { type Browser, postHooks, postOtlp, QUICK, seededDashboard } from "./harness.ts";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1400, height: 900 };
// What the audit found overflowing: a 186-character X-Spanlight-Agent and a ~150-character MCP tool.
const LONG_AGENT = `agent-${"workstation-".repeat(15)}`;
const LONG_TOOL = `mcp__${"server_with_long_name_".repeat(5)}__do_the_thing_with_a_long_tool_name`;
const SESSION = loadHooks("subagent")[0]!.payload.session_id as string;

/**
 * A session with Claude Code's telemetry (cost column, per-model table), one waiting on a
 * permission prompt, one file touched by six sessions, and the long names.
 */
async function seed(url: string): Promise<void> {
  const subagent = loadHooks("subagent");
  for (const h of subagent) await postHooks(url, [h.payload], { "x-spanlight-time": h.receivedAt });
  await postOtlp(url, "subagent");
  const permissions = loadHooks("permissions").map((h) => h.payload);
  const waiting = permissions.slice(0, permissions.findIndex((p) => p.hook_event_name === "PreToolUse") + 1);
  waiting.push({
    ...waiting[0],
    hook_event_name: "Notification",
    notification_type: "permission_prompt",
    message: "Claude needs your permission",
  });
  await postHooks(
    url,
    waiting.map((p) => ({ ...p, session_id: "3b5a0f11-live-waiting" })),
  );
  for (let i = 0; i < 6; i++) {
    const id = `${i}0f1e2d3-0000-4000-8000-000000000000`;
    await postHooks(
      url,
      loadHooks("file-ops").map((h) => ({ ...h.payload, session_id: id })),
    );
  }
  const base = loadHooks("bash-echo")[0]!.payload;
  const call = {
    ...base,
    session_id: "long-names",
    tool_name: LONG_TOOL,
    tool_use_id: "toolu_long",
    tool_input: { q: 1 },
  };
  await postHooks(
    url,
    [
      { ...call, hook_event_name: "PreToolUse" },
      { ...call, hook_event_name: "PostToolUse", tool_response: "ok" },
    ],
    {
      "x-spanlight-agent": LONG_AGENT,
    },
  );
}

/** How far the page (the document or its scrolling main) reaches past the viewport's right edge. */
function pageOverflow(b: Browser) {
  return b.page.evaluate(() => {
    const main = document.querySelector("main")!;
    return Math.max(document.documentElement.scrollWidth - innerWidth, main.scrollWidth - main.clientWidth);
  });
}

describe.skipIf(QUICK)("dashboard on a phone and with long names", () => {
  const dashboard = seededDashboard(seed);
  const open = (path: string, ready: string, size = PHONE) => dashboard.open(path, ready, size);

  const views = [
    { path: "/", ready: "table.models tbody tr" },
    { path: "/live", ready: "table.events tbody tr.row" },
    { path: "/sessions", ready: "table.data tbody tr" },
    { path: `/sessions/${SESSION}`, ready: "tr.wf-llm" },
    { path: "/agents", ready: ".agent-card" },
    { path: "/tools", ready: "table.data tbody tr" },
    { path: "/files", ready: "table.files tbody tr" },
  ];

  it.each(views)("fits $path into 390 px: no sideways page scroll, every view and the badge in sight", async (view) => {
    await open(view.path, view.ready);
    expect(await pageOverflow(dashboard.browser)).toBeLessThanOrEqual(0);
    const hidden = await dashboard.browser.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>(".nav a, [data-testid=connection]")]
        .filter((el) => {
          const r = el.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return r.left < 0 || r.right > innerWidth || !(hit && el.contains(hit));
        })
        .map((el) => el.textContent),
    );
    expect(hidden).toEqual([]);
    expect(await dashboard.browser.page.locator(".nav a").count()).toBe(6);
  });

  it("keeps the waterfall's timeline readable at 390 px: a wide track and axis labels that do not collide", async () => {
    await open(`/sessions/${SESSION}`, "tr.wf-llm");
    const layout = await dashboard.browser.page.evaluate(() => {
      const box = (el: Element) => el.getBoundingClientRect();
      const wrap = document.querySelector(".wf-wrap")!;
      const axis = box(document.querySelector("th.wf-axis")!);
      const ticks = [...document.querySelectorAll(".wf-tick")].map(box).filter((r) => r.width > 0);
      const heads = [...document.querySelectorAll("table.waterfall th:not(.wf-axis)")]
        .map(box)
        .filter((r) => r.width > 0);
      return {
        track: box(document.querySelector("tr.wf-row td.wf-track")!).width,
        sideways: wrap.scrollWidth - wrap.clientWidth,
        ticks: ticks.map((r) => [r.left, r.right]),
        axis: [axis.left, axis.right],
        headsRight: Math.max(...heads.map((r) => r.right)),
      };
    });
    expect(layout.track).toBeGreaterThanOrEqual(140);
    expect(layout.sideways).toBeLessThanOrEqual(0);
    expect(layout.ticks.length).toBeGreaterThanOrEqual(2);
    for (const [i, [left, right]] of layout.ticks.entries()) {
      expect(left).toBeGreaterThanOrEqual(layout.axis[0]!);
      expect(right).toBeLessThanOrEqual(layout.axis[1]!);
      if (i > 0) expect(left).toBeGreaterThan(layout.ticks[i - 1]![1]!);
    }
    expect(layout.headsRight).toBeLessThanOrEqual(layout.axis[0]! + 1);
  });

  it("opens a waterfall row's details over the page at 390 px, and closes them with ×", async () => {
    await open(`/sessions/${SESSION}`, "tr.wf-llm");
    const { page } = dashboard.browser;
    await page.click("tr.wf-subagent");
    await page.waitForSelector("aside.detail .token-split");
    const panel = (await page.locator("aside.detail").boundingBox())!;
    expect(panel.x).toBeGreaterThanOrEqual(0);
    expect(panel.x + panel.width).toBeLessThanOrEqual(PHONE.width);
    expect(await pageOverflow(dashboard.browser)).toBeLessThanOrEqual(0);
    await page.click('aside.detail button[aria-label^="Close"]');
    await page.waitForSelector("aside.detail", { state: "detached" });
  });

  it("says what a waiting session waits for in words, within the Overview's panel", async () => {
    await open("/", ".active-list .wait-text");
    expect(await dashboard.browser.page.textContent(".active-list .wait-text")).toBe("waiting: permission prompt");
    const spill = await dashboard.browser.page.evaluate(() => {
      const panel = document.querySelector(".active-list")!.getBoundingClientRect();
      return document.querySelector(".active-list .wait-text")!.getBoundingClientRect().right - panel.right;
    });
    expect(spill).toBeLessThanOrEqual(0);
  });

  it.each([
    { path: "/sessions", cell: `span[title="${LONG_AGENT}"]` },
    { path: "/tools", cell: `a[title="${LONG_TOOL}"]` },
  ])("cuts a long name in $path instead of widening the table, the full name on hover", async ({ path, cell }) => {
    await open(path, cell, DESKTOP);
    const widths = await dashboard.browser.page.evaluate((sel) => {
      const wrap = document.querySelector(".table-wrap")!;
      const el = document.querySelector<HTMLElement>(sel)!;
      return { sideways: wrap.scrollWidth - wrap.clientWidth, shown: el.clientWidth, full: el.scrollWidth };
    }, cell);
    expect(widths.sideways).toBeLessThanOrEqual(0);
    expect(widths.shown).toBeLessThan(widths.full);
  });

  it("keeps Files paths readable at 390 px: lines break between directories, not inside their names", async () => {
    await open("/files", "table.files tbody tr");
    const segments = await dashboard.browser.page.evaluate(() => {
      const path = [...document.querySelectorAll(".file-path")].find((p) =>
        p.textContent?.endsWith("/notes/todo.txt"),
      )!;
      const range = document.createRange();
      return [...path.querySelectorAll(".path-part")].map((part) => {
        range.selectNodeContents(part);
        return { text: part.textContent, lines: range.getClientRects().length };
      });
    });
    expect(segments.map((s) => s.text).join("")).toMatch(/^\/tmp\/.+\/notes\/todo\.txt$/);
    expect(segments.filter((s) => s.lines > 1)).toEqual([]);
  });

  it("logs no errors in the page", () => {
    expect(dashboard.browser.errors).toEqual([]);
  });
});
