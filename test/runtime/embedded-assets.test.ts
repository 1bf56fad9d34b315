import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { collectFiles, renderEntry } from "../../scripts/compile.mjs";
import { createEmbeddedAssetSource } from "../../src/runtime/embedded-assets.ts";
import { serveUi } from "../../src/server/static.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const BUILD: Record<string, Uint8Array> = {
  "index.html": new TextEncoder().encode('<!doctype html><script type="module" src="/assets/index-a1.js"></script>'),
  "assets/index-a1.js": new TextEncoder().encode('console.log("héllo ✓");\n'),
  // A BOM must survive: TextDecoder drops it unless told not to.
  "assets/bom.css": new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("body{}")]),
  // Every byte value, as in an image or a font.
  "assets/logo.png": Uint8Array.from({ length: 256 }, (_, i) => i),
  // A text extension with bytes that are not UTF-8: kept as bytes, not mangled into U+FFFD.
  "assets/latin1.txt": new Uint8Array([0x63, 0x61, 0x66, 0xe9]),
};

function writeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), "spanlight-embed-"));
  dirs.push(dir);
  for (const [path, bytes] of Object.entries(BUILD)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  return dir;
}

describe("embedding the dashboard build", () => {
  it("keeps text files as text and everything else as base64", () => {
    const files = collectFiles(writeBuild());
    expect(Object.keys(files).sort()).toEqual(Object.keys(BUILD).sort());
    expect(files["assets/index-a1.js"]).toEqual({ text: 'console.log("héllo ✓");\n' });
    expect(files["assets/logo.png"]).toHaveProperty("base64");
    expect(files["assets/latin1.txt"]).toHaveProperty("base64");
  });

  it.each(Object.keys(BUILD))(
    "serves %s byte for byte after the round trip through the generated entry",
    async (path) => {
      const entry = renderEntry(collectFiles(writeBuild()), "/x/src/runtime/bun.ts");
      // The entry's object is plain JSON between `const EMBEDDED_UI = ` and `;\n\nawait main`.
      const literal = entry.slice(entry.indexOf("= ") + 2, entry.lastIndexOf(";\n\nawait main"));
      const app = serveUi({ assets: createEmbeddedAssetSource(JSON.parse(literal)) });
      const res = await app.request(`/${path}`);
      expect(res.status).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(BUILD[path]);
    },
  );

  it("imports the binary's entry module by a path Bun resolves on every platform", () => {
    const entry = renderEntry({}, "C:\\work\\spanlight\\src\\runtime\\bun.ts");
    expect(entry).toContain('import { main } from "C:/work/spanlight/src/runtime/bun.ts";');
    expect(entry).toContain("await main({ ui: EMBEDDED_UI });");
  });

  it("answers unknown paths with null, including inherited object keys", async () => {
    const source = createEmbeddedAssetSource({ "index.html": { text: "<p>hi</p>" } });
    expect(await source.get("missing.js")).toBeNull();
    expect(await source.get("constructor")).toBeNull();
    expect(await source.get("__proto__")).toBeNull();
  });
});
