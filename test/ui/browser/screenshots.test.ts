import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHooks, scenarios } from "../../helpers/fixtures.ts";
import {
  type Browser,
  ensureUiBuilt,
  launchBrowser,
  postHooks,
  postOtlp,
  QUICK,
  screenshotDir,
  startUiServer,
  type UiServer,
} from "./harness.ts";

const AGENTS = ["laptop-main", "ci-runner-1", "devbox-2"];

/**
 * Every captured scenario (finished sessions, with Claude Code's own telemetry) plus two
 * hooks-only sessions caught mid-work: one running a tool, one waiting.
 */
async function seed(url: string): Promise<{ subagentSession: string }> {
  for (const [i, sc] of scenarios().entries()) {
    const agent = AGENTS[i % AGENTS.length]!;
    for (const h of loadHooks(sc)) {
      await postHooks(url, [h.payload], { "x-spanlight-time": h.receivedAt, "x-spanlight-agent": agent });
    }
    await postOtlp(url, sc, { "x-spanlight-agent": agent });
  }
  const upTo = (sc: string, event: string, nth = 1) => {
    const hooks = loadHooks(sc).map((h) => h.payload);
    let seen = 0;
    const end = hooks.findIndex((p) => p.hook_event_name === event && ++seen === nth);
    return hooks.slice(0, end + 1);
  };
  const working = upTo("file-ops", "PreToolUse", 3).map((p) => ({ ...p, session_id: "7d1e9c02-live-working" }));
  await postHooks(url, working, { "x-spanlight-agent": "laptop-main", "x-spanlight-container": "api-worker" });
  const waiting = upTo("permissions", "PermissionRequest").map((p) => ({ ...p, session_id: "3b5a0f11-live-waiting" }));
  await postHooks(url, waiting, { "x-spanlight-agent": "devbox-2" });
  return { subagentSession: loadHooks("subagent")[0]!.payload.session_id as string };
}

describe.skipIf(QUICK)("dashboard screenshots", () => {
  let server: UiServer;
  let browser: Browser;
  let subagentSession: string;

  beforeAll(async () => {
    ensureUiBuilt();
    server = await startUiServer();
    ({ subagentSession } = await seed(server.url));
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const views: Array<{ name: string; path: () => string; ready: string; act?: (b: Browser) => Promise<void> }> = [
    { name: "overview", path: () => "/", ready: ".cards .card-value" },
    {
      name: "live",
      path: () => "/live",
      ready: "table.events tbody tr.row",
      act: async ({ page }) => {
        // One of Claude Code's own api_request events: its tokens and cost show in the details.
        await page.click("table.events tbody tr.row:has(.tone-llm)");
        await page.waitForSelector("aside.detail pre");
      },
    },
    { name: "sessions", path: () => "/sessions", ready: "table.data tbody tr" },
    {
      name: "session",
      path: () => `/sessions/${subagentSession}`,
      ready: "tr.wf-row",
      act: async ({ page }) => {
        await page.click("tr.wf-row.wf-tool[data-depth='3']");
        await page.waitForSelector("aside.detail pre");
      },
    },
    {
      name: "session-llm",
      path: () => `/sessions/${subagentSession}`,
      ready: "tr.wf-row.wf-llm",
      act: async ({ page }) => {
        await page.click("tr.wf-row.wf-llm[data-depth='3']");
        await page.waitForSelector("aside.detail .token-split");
      },
    },
    { name: "agents", path: () => "/agents", ready: ".agent-card" },
    { name: "tools", path: () => "/tools", ready: "table.data tbody tr" },
    { name: "files", path: () => "/files", ready: "table.data tbody tr" },
  ];

  for (const scheme of ["light", "dark"] as const) {
    it.each(views)(`captures the $name view in ${scheme} mode without horizontal overflow`, async (view) => {
      const { page } = browser;
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${server.url}${view.path()}`);
      await page.waitForSelector(view.ready);
      await page.waitForFunction(() => document.querySelector('[data-testid="connection"]')?.textContent === "live");
      await view.act?.(browser);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const file = join(screenshotDir(), `${view.name}-${scheme}.png`);
      await page.screenshot({ path: file });
      expect(existsSync(file) && statSync(file).size > 10_000).toBe(true);
    });
  }

  it("logs no errors in the page", () => {
    expect(browser.errors).toEqual([]);
  });
});
