import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { NormalizedEvent } from "../../../src/schema/wire.ts";
import { FIXTURES_DIR, loadHooks } from "../../helpers/fixtures.ts";
import {
  type Browser,
  ensureUiBuilt,
  launchBrowser,
  postHooks,
  QUICK,
  startUiServer,
  type UiServer,
} from "./harness.ts";

// Claude Code exports its own OTLP logs in batches every few seconds, after the hooks that fired
// meanwhile. The Live stream shows events by when they happened, not when they arrived.

const ROW_H = 28;
const servers: UiServer[] = [];
let browser: Browser;

type Attr = { key: string; value: { stringValue?: string } };
type LogRecord = { timeUnixNano?: string; observedTimeUnixNano?: string; attributes: Attr[] };
type LogsBody = { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: LogRecord[] }> }> };

/** The captured subagent run's log exports, in the order Claude Code sent them. */
function capturedLogExports(): LogsBody[] {
  return readFileSync(join(FIXTURES_DIR, "subagent", "otlp", "logs.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { body: LogsBody }).body);
}

/** Moves every record's time by `ms` (the captures are from another day; the server's clock decides what is plausible). */
function shifted(body: LogsBody, ms: number): LogsBody {
  const copy = structuredClone(body);
  const nanos = BigInt(ms) * 1_000_000n;
  for (const r of copy.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords))) {
    if (r.timeUnixNano) r.timeUnixNano = String(BigInt(r.timeUnixNano) + nanos);
    if (r.observedTimeUnixNano) r.observedTimeUnixNano = String(BigInt(r.observedTimeUnixNano) + nanos);
    for (const a of r.attributes) {
      if (a.key === "event.timestamp" && a.value.stringValue) {
        a.value.stringValue = new Date(Date.parse(a.value.stringValue) + ms).toISOString();
      }
    }
  }
  return copy;
}

/** One captured `tool_result` record, re-timed to `at`: a single late OTLP event. */
function lateToolResult(at: number): LogsBody {
  const body = structuredClone(capturedLogExports()[0]!);
  const rl = body.resourceLogs[0]!;
  const record = rl.scopeLogs
    .flatMap((sl) => sl.logRecords)
    .find((r) => r.attributes.some((a) => a.key === "event.name" && a.value.stringValue === "tool_result"))!;
  rl.scopeLogs = [{ ...rl.scopeLogs[0]!, logRecords: [record] }];
  const from = Date.parse(record.attributes.find((a) => a.key === "event.timestamp")!.value.stringValue!);
  return shifted(body, at - from);
}

async function postLogs(url: string, body: LogsBody) {
  const res = await fetch(`${url}/v1/logs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`logs: ${res.status} ${await res.text()}`);
}

async function serverEvents(url: string): Promise<NormalizedEvent[]> {
  return ((await (await fetch(`${url}/api/events?limit=1000`)).json()) as { events: NormalizedEvent[] }).events;
}

/** Newest first by when it happened (source time, else arrival), ties by seq: computed here, not by the UI's code. */
function byEventTime(events: NormalizedEvent[]): number[] {
  const at = (e: NormalizedEvent) => Date.parse(e.sourceTime ?? e.receivedAt);
  return [...events].sort((a, b) => at(b) - at(a) || b.seq - a.seq).map((e) => e.seq);
}

async function waitLive(page: Page) {
  await page.waitForFunction(() => document.querySelector('[data-testid="connection"]')?.textContent === "live");
}

async function waitCount(page: Page, n: number) {
  await page.waitForFunction(
    (want) => Number(document.querySelector('[data-testid="row-count"]')?.getAttribute("data-count")) === want,
    n,
  );
}

async function renderedSeqs(page: Page): Promise<number[]> {
  return page.$$eval("table.events tbody tr.row", (rows) => rows.map((r) => Number(r.getAttribute("data-seq"))));
}

/** Where a row is on screen, or null when it is not rendered. */
async function rowTop(page: Page, seq: number): Promise<number | null> {
  return page.evaluate((s) => {
    const row = document.querySelector(`tr.row[data-seq="${s}"]`);
    return row ? row.getBoundingClientRect().top : null;
  }, seq);
}

describe.skipIf(QUICK)("Live stream order in Chromium", () => {
  beforeAll(async () => {
    ensureUiBuilt();
    browser = await launchBrowser();
  }, 120_000);

  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("places Claude Code's late OTLP events among the hooks by when they happened, live and from history", async () => {
    const s = await startUiServer();
    servers.push(s);
    const { page } = browser;
    // Tall enough that every row of the run is rendered at once.
    await page.setViewportSize({ width: 1440, height: 4200 });
    await page.goto(`${s.url}/live`);
    await waitLive(page);

    const hooks = loadHooks("subagent");
    const shift = Date.now() - 60_000 - Date.parse(hooks[0]!.receivedAt);
    const times = hooks.map((h) => new Date(Date.parse(h.receivedAt) + shift).toISOString());
    await postHooks(
      s.url,
      hooks.map((h) => h.payload),
      { "x-spanlight-time": times.join(",") },
    );
    await waitCount(page, hooks.length);

    // The exports arrive after every hook, with records from the whole run.
    for (const body of capturedLogExports()) await postLogs(s.url, shifted(body, shift));
    const events = await serverEvents(s.url);
    expect(events.filter((e) => e.source === "otlp").length).toBeGreaterThan(10);
    await waitCount(page, events.length);

    const want = byEventTime(events);
    expect(await renderedSeqs(page)).toEqual(want);
    // The session's last hook happened after every exported record: arrival order would bury it.
    const newestHook = Math.max(...events.filter((e) => e.source === "claude-code-hook").map((e) => e.seq));
    expect(want[0]).toBe(newestHook);

    // History (`/api/events`) gives the same order.
    await page.reload();
    await waitLive(page);
    await waitCount(page, events.length);
    expect(await renderedSeqs(page)).toEqual(want);
  });

  it("keeps the rows being read and the selection in place when a late event lands above or below them", async () => {
    const s = await startUiServer();
    servers.push(s);
    const { page } = browser;
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${s.url}/live`);
    await waitLive(page);

    const prompt = loadHooks("bash-echo").find((h) => h.payload.hook_event_name === "UserPromptSubmit")!.payload;
    const N = 200;
    const start = Date.now() - 1_000_000;
    const at = (i: number) => start + i * 1000;
    await postHooks(
      s.url,
      Array.from({ length: N }, (_, i) => ({ ...prompt, prompt: `prompt ${i}` })),
      { "x-spanlight-time": Array.from({ length: N }, (_, i) => new Date(at(i)).toISOString()).join(",") },
    );
    await waitCount(page, N);

    // Scrolled down to the 50th newest: no longer following.
    await page.$eval(
      ".table-scroll",
      (el, y) => {
        el.scrollTop = y;
      },
      50 * ROW_H,
    );
    await page.waitForSelector("text=Follow newest");
    const reading = N - 50; // seq of the row at the top of the viewport
    const picked = N - 53;
    await page.click(`tr.row[data-seq="${picked}"]`);
    await page.waitForSelector(`tr.row.selected[data-seq="${picked}"]`);
    const before = { reading: await rowTop(page, reading), picked: await rowTop(page, picked) };
    expect(before.reading).not.toBeNull();

    // Happened between the 186th and 187th prompt: shown 15th from the top, above the viewport.
    await postLogs(s.url, lateToolResult(at(185) + 500));
    await waitCount(page, N + 1);
    expect({ reading: await rowTop(page, reading), picked: await rowTop(page, picked) }).toEqual(before);

    // Happened before the 20th prompt: far below the viewport.
    await postLogs(s.url, lateToolResult(at(19) + 500));
    await waitCount(page, N + 2);
    expect({ reading: await rowTop(page, reading), picked: await rowTop(page, picked) }).toEqual(before);
    expect(await page.$$eval("tr.row.selected", (rows) => rows.map((r) => r.getAttribute("data-seq")))).toEqual([
      String(picked),
    ]);

    // The keyboard moves from the selection to the next row in time order.
    await page.keyboard.press("ArrowDown");
    await page.waitForSelector(`tr.row.selected[data-seq="${picked - 1}"]`);

    // Back at the top, the first late event sits at its place by time, not on top.
    await page.click("text=Follow newest");
    await page.waitForFunction(() => document.querySelector(".table-scroll")?.scrollTop === 0);
    const seqs = await renderedSeqs(page);
    expect(seqs.slice(0, 3)).toEqual([N, N - 1, N - 2]);
    expect(seqs[N - 186]).toBe(N + 1);
  });

  it("loads without errors in the page", () => {
    expect(browser.errors).toEqual([]);
  });
});
