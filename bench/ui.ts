/**
 * Dashboard benchmark. Run: `node --import tsx bench/ui.ts`
 * (BENCH_SECONDS=5 per rate by default, BENCH_RUNS=5 page loads per backlog size). In headless
 * Debian Chromium against a real server serving the built dashboard, it prints:
 *  - time to render the Live stream with a 10,000-event backlog (first rows, all 10,000 loaded),
 *    against the same page with an empty server (the app's own start-up cost);
 *  - lag from POST to the row painted at 100 and 1,000 events/s, against the lag from POST to the
 *    same event reaching a bare EventSource in the same page (server + transport, no rendering).
 * Targets: ≤ 500 ms initial render, p95 POST-to-visible ≤ 100 ms at 1,000 events/s.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ensureUiBuilt, launchBrowser } from "../test/ui/browser/harness.ts";
import { fmt, freePort, percentile, ROOT, startProcess, stop } from "./lib/processes.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BACKLOG = 10_000;

// Real payloads, cycled; sessions spread over a few ids as several agents would.
const SOURCE = ["multi-turn", "file-ops", "subagent", "failing-tool"].flatMap((sc) =>
  readFileSync(join(ROOT, "test/fixtures/claude-code", sc, "hooks.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>),
);
const payload = (i: number) => ({ ...SOURCE[i % SOURCE.length], session_id: `bench-${i % 7}` });

type Results = { index: number; status: string; seq?: number | null }[];

async function postBatch(url: string, items: unknown[]): Promise<Results> {
  const res = await fetch(`${url}/v1/hooks/claude-code`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(items),
  });
  if (!res.ok) throw new Error(`POST ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { results: Results }).results;
}

const median = (xs: number[]) => percentile(xs, 50);

/** The server runs in its own process as users run it (`spanlight serve`); this process only sends load. */
async function startUiServer() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startProcess(
    process.execPath,
    ["bin/spanlight.js", "serve", "--port", String(port)],
    `${url}/health`,
  );
  return { url, close: () => stop(child) };
}

/** Page-side probes: when the first row and the full count are painted (ms since navigation). */
const RENDER_PROBE = `(() => {
  const w = window;
  w.__render = { firstRow: null, full: null, empty: null };
  const check = () => {
    const r = w.__render;
    if (r.firstRow === null && document.querySelector("table.events tbody tr.row")) r.firstRow = performance.now();
    if (r.empty === null && document.querySelector(".empty-state")) r.empty = performance.now();
    const count = Number(document.querySelector('[data-testid="row-count"]')?.getAttribute("data-count"));
    if (r.full === null && count === w.__want && !document.querySelector('[data-testid="row-count"]')?.textContent?.includes("loading")) r.full = performance.now();
  };
  // Checked in a frame callback: the time a frame with the change is about to paint.
  const loop = () => { check(); requestAnimationFrame(loop); };
  requestAnimationFrame(loop);
})()`;

async function initialRender(page: Page, url: string, want: number) {
  await page.addInitScript(`window.__want = ${want}`);
  await page.goto(`${url}/live`);
  await page.waitForFunction(
    (w) => {
      const r = (
        window as unknown as { __render: { firstRow: number | null; full: number | null; empty: number | null } }
      ).__render;
      return w === 0 ? r.empty !== null : r.full !== null;
    },
    want,
    { timeout: 30_000 },
  );
  return page.evaluate(() => (window as unknown as { __render: Record<string, number | null> }).__render);
}

/**
 * Page-side probes for lag: each animation frame records the newest row at the top of the table
 * (a row is in the table from the first frame whose top row is at least as new), and a bare
 * EventSource records when each event reaches the page at all.
 */
const LAG_PROBE = `(() => {
  const w = window;
  w.__frames = [];
  w.__raw = {};
  const now = () => performance.timeOrigin + performance.now();
  let top = 0;
  const loop = () => {
    const seq = Number(document.querySelector("table.events tbody tr.row")?.getAttribute("data-seq") ?? 0);
    if (seq > top) { top = seq; w.__frames.push([now(), seq]); }
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  w.__startRaw = (from) => {
    const es = new EventSource("/api/stream?lastEventId=" + from);
    es.addEventListener("hello", () => { w.__rawOpen = true; });
    es.addEventListener("event", (e) => { w.__raw[e.lastEventId] = now(); });
  };
})()`;

async function lagAt(page: Page, url: string, rate: number) {
  const newest = ((await (await fetch(`${url}/api/stats`)).json()) as { buffer: { newestSeq: number } }).buffer
    .newestSeq;
  await page.evaluate((from) => (window as unknown as { __startRaw(f: number): void }).__startRaw(from), newest);
  // Give the bare stream its hello before the clock starts: its connect time is not lag.
  await page.waitForFunction(() => (window as unknown as { __rawOpen?: boolean }).__rawOpen === true);
  const perTick = Math.max(1, rate / 100); // a POST every 10 ms
  const ticks = (rate * SECONDS) / perTick;
  const sentAt = new Map<number, number>();
  const started = performance.timeOrigin + performance.now();
  let i = 0;
  for (let t = 0; t < ticks; t++) {
    const items = Array.from({ length: perTick }, () => payload(i++));
    const before = performance.timeOrigin + performance.now();
    const results = await postBatch(url, items);
    for (const r of results) if (r.seq) sentAt.set(r.seq, before);
    const due = started + ((t + 1) * 1000 * perTick) / rate;
    const wait = due - (performance.timeOrigin + performance.now());
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const last = Math.max(...sentAt.keys());
  await page.waitForFunction(
    (s) => (window as unknown as { __frames: [number, number][] }).__frames.some(([, seq]) => seq >= s),
    last,
    { timeout: 30_000 },
  );
  const { frames, raw } = await page.evaluate(() => {
    const w = window as unknown as { __frames: [number, number][]; __raw: Record<string, number> };
    return { frames: w.__frames, raw: w.__raw };
  });
  const visible: number[] = [];
  const transport: number[] = [];
  for (const [seq, at] of sentAt) {
    const frame = frames.find(([, top]) => top >= seq);
    if (frame) visible.push(frame[0] - at);
    if (raw[seq] !== undefined) transport.push(raw[seq] - at);
  }
  return { sent: sentAt.size, visible, transport };
}

function row(label: string, values: number[], baseline: number[]) {
  const p = (xs: number[], q: number) => percentile(xs, q);
  const ratio = p(values, 95) / p(baseline, 95);
  const stats = (xs: number[]) =>
    `p50 ${fmt(p(xs, 50)).padStart(6)} ms  p95 ${fmt(p(xs, 95)).padStart(6)} ms  max ${fmt(Math.max(...xs)).padStart(6)} ms`;
  return [
    `${label.padEnd(26)} ${stats(values)}   p95 ×${fmt(ratio, 2)} of transport`,
    `${"transport".padEnd(26)} ${stats(baseline)}`,
  ];
}

async function main() {
  ensureUiBuilt();
  const browser = await launchBrowser();
  const out: string[] = [];
  try {
    // Initial render: empty server (baseline) and a 10,000-event backlog, fresh page each run.
    const emptyServer = await startUiServer();
    const full = await startUiServer();
    for (let i = 0; i < BACKLOG; i += 1000)
      await postBatch(
        full.url,
        Array.from({ length: 1000 }, (_, k) => payload(i + k)),
      );
    const empty: number[] = [];
    const firstRow: number[] = [];
    const all: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      for (const [server, want] of [
        [emptyServer, 0],
        [full, BACKLOG],
      ] as const) {
        const page = await browser.context.newPage();
        await page.addInitScript(RENDER_PROBE);
        const r = await initialRender(page, server.url, want);
        if (want === 0) empty.push(r.empty as number);
        else {
          firstRow.push(r.firstRow as number);
          all.push(r.full as number);
        }
        await page.close();
      }
    }
    await emptyServer.close();
    await full.close();
    out.push(`Live stream initial render (median of ${RUNS} page loads, ms since navigation):`);
    out.push(`  empty server (baseline)            ${fmt(median(empty))} ms`);
    out.push(
      `  10,000 backlog: first rows painted ${fmt(median(firstRow))} ms  (×${fmt(median(firstRow) / median(empty), 2)})`,
    );
    out.push(`  10,000 backlog: all 10,000 held    ${fmt(median(all))} ms  (×${fmt(median(all) / median(empty), 2)})`);

    // POST → row visible, at two rates, each on a fresh server and page.
    out.push(
      `POST → row in the painted table, ${SECONDS} s per rate (transport = POST → bare EventSource in the same page):`,
    );
    for (const rate of [100, 1000]) {
      const server = await startUiServer();
      const page = await browser.context.newPage();
      await page.addInitScript(LAG_PROBE);
      await page.goto(`${server.url}/live`);
      await page.waitForFunction(() => document.querySelector('[data-testid="connection"]')?.textContent === "live");
      const r = await lagAt(page, server.url, rate);
      out.push(`  ${rate} events/s (${r.sent} sent, ${r.visible.length} shown)`);
      for (const line of row("row in the table", r.visible, r.transport)) out.push(`    ${line}`);
      await page.close();
      await server.close();
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(`${out.join("\n")}\n`);
}

await main();
