import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionDetail } from "../../../src/schema/session.ts";
import { toWaterfall } from "../../../ui/src/features/sessions/waterfall.ts";
import { loadHooks } from "../../helpers/fixtures.ts";
import {
  type Browser,
  ensureUiBuilt,
  launchBrowser,
  postHooks,
  QUICK,
  startUiServer,
  type UiServer,
} from "./harness.ts";

const BIG = "big-waterfall-session";
const CALLS = 400;
const ID_KEYS = ["tool_use_id", "agent_id", "prompt_id", "turn_id", "message_id"];

/** Real captured turns replayed into one session, each copy with its own ids, until it has CALLS tool calls. */
function bigSession(): Array<Record<string, unknown>> {
  const scenarios = ["multi-turn", "parallel-tools", "subagent", "failing-tool"];
  const turns = scenarios
    .flatMap((sc) => loadHooks(sc).map((h) => h.payload))
    .filter((p) => p.hook_event_name !== "SessionStart" && p.hook_event_name !== "SessionEnd");
  const out = [{ ...loadHooks("multi-turn")[0]!.payload, session_id: BIG }];
  let calls = 0;
  for (let copy = 0; calls < CALLS; copy++) {
    for (const p of turns) {
      let json = JSON.stringify({ ...p, session_id: BIG });
      for (const k of ID_KEYS) if (typeof p[k] === "string") json = json.split(p[k]).join(`${p[k]}-${copy}`);
      out.push(JSON.parse(json));
      if (p.hook_event_name === "PreToolUse") calls++;
    }
  }
  return out;
}

describe.skipIf(QUICK)("a session waterfall of hundreds of rows", () => {
  let server: UiServer;
  let browser: Browser;
  let keys: string[];

  beforeAll(async () => {
    ensureUiBuilt();
    server = await startUiServer();
    const hooks = bigSession();
    for (let i = 0; i < hooks.length; i += 500) await postHooks(server.url, hooks.slice(i, i + 500));
    const detail = (await (await fetch(`${server.url}/api/sessions/${BIG}`)).json()) as SessionDetail;
    keys = toWaterfall(detail, Date.parse(detail.lastEventAt)).rows.map((r) => r.key);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(query = "") {
    await browser.page.goto(`${server.url}/sessions/${BIG}${query}`);
    await browser.page.waitForSelector("tr.wf-row");
  }

  /** Whether a row is fully inside the waterfall's box, below its sticky header (the cells stick, not the thead). */
  function inView(key: string) {
    return browser.page.evaluate((k) => {
      const wrap = document.querySelector(".wf-wrap")!.getBoundingClientRect();
      const head = document.querySelector("table.waterfall thead th")!.getBoundingClientRect();
      const row = document.querySelector(`tr[data-key="${CSS.escape(k)}"]`)?.getBoundingClientRect();
      return !!row && row.top >= head.bottom - 1 && row.bottom <= wrap.bottom + 1;
    }, key);
  }

  const selected = () => browser.page.getAttribute("tr.wf-row.selected", "data-key");

  it("keeps only the rows near the view in the DOM, each where the whole table would put it", async () => {
    expect(keys.length).toBeGreaterThan(CALLS);
    await open();
    const { page } = browser;
    expect(Number(await page.getAttribute("table.waterfall", "aria-rowcount"))).toBe(keys.length + 1);
    expect((await page.$$("tr.wf-row")).length).toBeLessThan(100);
    // Scrolled to the middle, the row under the header is the one the scroll offset says, at the rows'
    // real pitch: the window's row height agrees with the CSS.
    const pitch = await page.evaluate(() => {
      const wrap = document.querySelector<HTMLElement>(".wf-wrap")!;
      wrap.scrollIntoView();
      const rows = [...document.querySelectorAll("tr.wf-row")].map((r) => r.getBoundingClientRect().top);
      wrap.scrollTop = 200 * (rows[2]! - rows[1]!) + 5;
      return rows[2]! - rows[1]!;
    });
    // Row 200 is not in the DOM until the window has followed the scroll.
    await page.waitForSelector(`tr[data-key="${keys[200]}"]`);
    const at = await page.evaluate(() => {
      const head = document.querySelector("table.waterfall thead th")!.getBoundingClientRect();
      const top = document.elementFromPoint(head.left + 40, head.bottom + 3)?.closest("tr");
      return { index: Number(top?.getAttribute("aria-rowindex")) - 2, key: top?.getAttribute("data-key") };
    });
    expect(pitch).toBe(27);
    expect(at).toEqual({ index: 200, key: keys[200] });
    // At the end, the last row sits at the bottom of the box.
    await page.evaluate(() => {
      const wrap = document.querySelector<HTMLElement>(".wf-wrap")!;
      wrap.scrollTop = wrap.scrollHeight;
    });
    await page.waitForSelector(`tr[data-key="${keys[keys.length - 1]}"]`);
    expect(await inView(keys[keys.length - 1]!)).toBe(true);
    expect((await page.$$("tr.wf-row")).length).toBeLessThan(100);
  });

  it("brings the selected row into view: from a link, and with j and k past the rows in the DOM", async () => {
    await open(`?item=${encodeURIComponent(keys[300]!)}`);
    const { page } = browser;
    await page.waitForSelector(`tr.wf-row.selected[data-key="${keys[300]}"]`);
    expect(await inView(keys[300]!)).toBe(true);
    for (let i = 0; i < 40; i++) await page.keyboard.press("j");
    await page.waitForFunction(
      (k) => document.querySelector("tr.wf-row.selected")?.getAttribute("data-key") === k,
      keys[340],
    );
    expect(await inView(keys[340]!)).toBe(true);
    for (let i = 0; i < 80; i++) await page.keyboard.press("k");
    await page.waitForFunction(
      (k) => document.querySelector("tr.wf-row.selected")?.getAttribute("data-key") === k,
      keys[260],
    );
    expect(await selected()).toBe(keys[260]);
    expect(await inView(keys[260]!)).toBe(true);
  });

  it("folds and unfolds a turn", async () => {
    await open();
    const { page } = browser;
    const turn = keys[0]!;
    const children = keys.slice(1).findIndex((k) => k.startsWith("turn:"));
    const count = async () => Number(await page.getAttribute("table.waterfall", "aria-rowcount"));
    await page.click(`tr[data-key="${turn}"] button.fold`);
    await page.waitForFunction(
      (n) => document.querySelector("table.waterfall")?.getAttribute("aria-rowcount") === String(n),
      keys.length + 1 - children,
    );
    expect(await page.$(`tr[data-key="${keys[1]}"]`)).toBeNull();
    await page.click(`tr[data-key="${turn}"] button.fold`);
    await page.waitForSelector(`tr[data-key="${keys[1]}"]`);
    expect(await count()).toBe(keys.length + 1);
  });
});
