import { readFile, stat } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Hono } from "hono";
import { type AssetSource, serveUi } from "../server/static.ts";

/** The dashboard build (`vite build` of ui/), next to the sources in a checkout or an npm install. */
export const UI_DIST_DIR = fileURLToPath(new URL("../../ui/dist/", import.meta.url));

/** Reads dashboard files from a directory; anything outside it or missing is null. */
export function createFsAssetSource(root: string = UI_DIST_DIR): AssetSource {
  const base = resolve(root);
  return {
    async get(path) {
      const full = resolve(base, path);
      if (full !== base && !full.startsWith(base + sep)) return null;
      try {
        return { body: new Uint8Array(await readFile(full)) };
      } catch {
        // Missing file, a directory, or unreadable: all mean "no such asset".
        return null;
      }
    },
  };
}

/** The dashboard sub-app when a build exists, else undefined (the server shows its placeholder page). */
export async function fsDashboard(root: string = UI_DIST_DIR): Promise<Hono | undefined> {
  try {
    await stat(resolve(root, "index.html"));
  } catch {
    return undefined;
  }
  return serveUi({ assets: createFsAssetSource(root) });
}
