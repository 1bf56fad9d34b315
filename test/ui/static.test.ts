import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFsAssetSource, fsDashboard } from "../../src/runtime/ui-assets-fs.ts";
import { createSpanlight } from "../../src/server/compose.ts";
import { type AssetSource, serveUi, toAssetPath } from "../../src/server/static.ts";
import { testSpanlight } from "../helpers/app.ts";

const enc = new TextEncoder();
const INDEX = '<!doctype html><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script>';

function memoryAssets(files: Record<string, string>): AssetSource {
  return {
    async get(path) {
      const text = files[path];
      return text === undefined ? null : { body: enc.encode(text) };
    },
  };
}

const assets = memoryAssets({
  "index.html": INDEX,
  "assets/index-abc123.js": "console.log(1)",
  "assets/index-abc123.css": "body{}",
  "favicon.svg": "<svg/>",
});
const ui = serveUi({ assets });

/** The whole server with the dashboard mounted the way the runtimes mount it (after the API). */
function spanlightWithUi() {
  return createSpanlight({ config: testSpanlight().config, ui: serveUi({ assets }) }).app;
}

describe("serveUi", () => {
  it("serves hashed assets as immutable with their content type", async () => {
    const res = await ui.request("/assets/index-abc123.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await res.text()).toBe("console.log(1)");
  });

  it("serves index.html with no-cache and a content security policy", async () => {
    const res = await ui.request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await res.text()).toBe(INDEX);
  });

  it("answers the SPA's client routes with index.html so a reload keeps the view", async () => {
    for (const path of ["/sessions/5f1c-abc", "/live", "/tools?x=1"]) {
      const res = await ui.request(path);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toBe(INDEX);
    }
  });

  it("revalidates index.html with its ETag", async () => {
    const first = await ui.request("/");
    const etag = first.headers.get("etag");
    expect(etag).toBeTruthy();
    const again = await ui.request("/", { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
  });

  it("gives non-hashed files a short cache and missing files a 404", async () => {
    const icon = await ui.request("/favicon.svg");
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");
    expect(icon.headers.get("cache-control")).toBe("no-cache");
    const missing = await spanlightWithUi().request("/assets/gone-123.js");
    expect(missing.status).toBe(404);
  });

  it("never answers API or ingest paths with the dashboard", async () => {
    const app = spanlightWithUi();
    const res = await app.request("/api/nope");
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
    const hooks = await app.request("/v1/hooks/claude-code");
    expect(hooks.status).toBe(405); // the ingest path, asked with GET
    expect(hooks.headers.get("allow")).toBe("POST");
    expect(hooks.headers.get("content-type")).toContain("application/json");
  });

  it("keeps the API working when the dashboard is mounted", async () => {
    const res = await spanlightWithUi().request("/api/stats");
    expect(res.status).toBe(200);
    expect((await res.json()).totalEvents).toBe(0);
  });

  it.each([
    ["/", "index.html"],
    ["/assets/a.js", "assets/a.js"],
    ["/a/./b.css", "a/b.css"],
    ["/../etc/passwd", null],
    ["/assets/%2e%2e/%2e%2e/secret", null],
    ["/a%5C..%5Cb", null],
    ["/%E0%A4%A", null],
  ])("maps request path %s to asset %s", (path, expected) => {
    expect(toAssetPath(path)).toBe(expected);
  });
});

describe("filesystem asset source", () => {
  const dir = mkdtempSync(join(tmpdir(), "spanlight-ui-"));
  mkdirSync(join(dir, "dist", "assets"), { recursive: true });
  writeFileSync(join(dir, "dist", "index.html"), INDEX);
  writeFileSync(join(dir, "dist", "assets", "app-1.js"), "ok");
  writeFileSync(join(dir, "secret.txt"), "nope");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads files under its root and nothing outside it", async () => {
    const source = createFsAssetSource(join(dir, "dist"));
    expect(new TextDecoder().decode((await source.get("assets/app-1.js"))?.body)).toBe("ok");
    expect(await source.get("../secret.txt")).toBeNull();
    expect(await source.get("assets")).toBeNull();
    expect(await source.get("missing.js")).toBeNull();
  });

  it("offers the dashboard only when a build exists", async () => {
    expect(await fsDashboard(join(dir, "nothing-here"))).toBeUndefined();
    const app = await fsDashboard(join(dir, "dist"));
    const res = await app!.request("/sessions/x");
    expect(await res.text()).toBe(INDEX);
  });
});
