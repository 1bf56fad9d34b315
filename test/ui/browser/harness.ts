import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import type { ConfigInput } from "../../../src/config/mod.ts";
import { startNodeServer } from "../../../src/runtime/node.ts";
import { FIXTURES_DIR } from "../../helpers/fixtures.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..");

/** The browser suites are the slow ones; `SPANLIGHT_QUICK=1` (npm run test:quick) skips them. */
export const QUICK = process.env.SPANLIGHT_QUICK === "1";

// Debian's Chromium, never a downloaded browser; flags keep it off the network and quiet.
export const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Builds ui/dist when it is missing or older than ui/src (the same script `npm start` runs). */
export function ensureUiBuilt(): void {
  const res = spawnSync(process.execPath, [join(ROOT, "scripts", "ensure-ui.mjs")], { cwd: ROOT, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`ensure-ui failed: ${res.stderr || res.stdout}`);
}

export type UiServer = Awaited<ReturnType<typeof startNodeServer>>;

/** A real listening Spanlight on an ephemeral port (or the given one), serving the built ui/dist. */
export function startUiServer(config: ConfigInput = {}): Promise<UiServer> {
  return startNodeServer({ config });
}

export type Browser = { context: BrowserContext; page: Page; errors: string[]; close(): Promise<void> };

/** One headless Chromium with a throwaway profile; page errors are collected for the suite to check. */
export async function launchBrowser(opts: { colorScheme?: "light" | "dark" } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "spanlight-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1440, height: 900 },
    colorScheme: opts.colorScheme ?? "light",
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => {
    // Connection failures while a test stops the server are expected; anything else is a bug.
    if (msg.type() === "error" && !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(msg.text())) {
      errors.push(msg.text());
    }
  });
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where the run's screenshots go: `SPANLIGHT_SCREENSHOTS`, else a fixed folder under the temp dir. */
export function screenshotDir(): string {
  const dir = process.env.SPANLIGHT_SCREENSHOTS ?? join(tmpdir(), "spanlight-screenshots");
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function postHooks(
  url: string,
  payloads: unknown[],
  headers: Record<string, string> = {},
): Promise<{ accepted: number; duplicates: number }> {
  if (payloads.length === 1) {
    const res = await fetch(`${url}/v1/hooks/claude-code`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(payloads[0]),
    });
    if (res.status !== 204) throw new Error(`post: ${res.status} ${await res.text()}`);
    return { accepted: 1, duplicates: 0 };
  }
  const res = await fetch(`${url}/v1/hooks/claude-code`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", ...headers },
    body: payloads.map((p) => JSON.stringify(p)).join("\n"),
  });
  if (!res.ok) throw new Error(`batch post: ${res.status} ${await res.text()}`);
  return (await res.json()) as { accepted: number; duplicates: number };
}

type OtlpExportLine = { received_at: string; path: string; content_type: string; body: unknown };

/**
 * Replays a captured scenario's OTLP exports (traces, logs, metrics) as Claude Code sent them:
 * each body to the same path with the same content type, in arrival order.
 */
export async function postOtlp(url: string, scenario: string, headers: Record<string, string> = {}): Promise<number> {
  const lines = ["traces", "logs", "metrics"].flatMap((signal) =>
    readFileSync(join(FIXTURES_DIR, scenario, "otlp", `${signal}.jsonl`), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as OtlpExportLine),
  );
  lines.sort((a, b) => a.received_at.localeCompare(b.received_at));
  for (const line of lines) {
    const res = await fetch(`${url}${line.path}`, {
      method: "POST",
      headers: { "content-type": line.content_type, ...headers },
      body: JSON.stringify(line.body),
    });
    if (res.status !== 200) throw new Error(`${scenario} ${line.path}: ${res.status} ${await res.text()}`);
  }
  return lines.length;
}

/**
 * A suite's dashboard: a built UI on a fresh server seeded by `seed`, and a browser, set up before
 * the suite's tests and closed after them. `open` shows a page at a size once it is live.
 */
export function seededDashboard(seed: (url: string) => Promise<void>) {
  let server: UiServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    ensureUiBuilt();
    server = await startUiServer();
    await seed(server.url);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get browser(): Browser {
      return browser!;
    },
    async open(path: string, ready: string, size: { width: number; height: number }) {
      const { page } = browser!;
      await page.setViewportSize(size);
      await page.goto(`${server!.url}${path}`);
      await page.waitForSelector(ready);
      await page.waitForFunction(() => document.querySelector('[data-testid="connection"]')?.textContent === "live");
    },
  };
}
