import { type Context, Hono } from "hono";
import { ApiError } from "./api-error.ts";
import { PLACEHOLDER_PAGE } from "./placeholder-page.ts";

/** Where the built dashboard comes from: ui/dist on disk (Node, Deno) or embedded in the binary. */
export type AssetSource = {
  /** `path` is relative to the build root, without a leading slash (`index.html`, `assets/index-3f2a.js`). */
  get(path: string): Promise<{ body: Uint8Array; contentType?: string } | null>;
};

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json; charset=utf-8",
  map: "application/json; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  ico: "image/x-icon",
  webp: "image/webp",
  woff2: "font/woff2",
  txt: "text/plain; charset=utf-8",
};

// Vite names everything under assets/ by content hash: a changed file gets a new name, so the old
// one can be cached forever. index.html must be revalidated every time so a new build is picked up.
const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "no-cache";

// The dashboard loads only its own scripts and talks only to this server. Styles allow inline
// attributes because the bundle sets widths and positions through style attributes; nothing
// from an event is ever inserted as HTML, and this policy is the second line behind that rule.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

// Paths that belong to the API and ingest: a GET that no route took is a 404, not the dashboard.
const RESERVED = /^\/(api|v1|hooks|telemetry|health|status)(\/|$)/;

function extensionOf(path: string): string | null {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : null;
}

/** Request path → asset path, or null when it tries to leave the build root. */
export function toAssetPath(requestPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(requestPath);
  } catch {
    return null;
  }
  if (path.includes("\0") || path.includes("\\")) return null;
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.some((p) => p === "..")) return null;
  return parts.length === 0 ? "index.html" : parts.join("/");
}

/** A short, stable validator for a body (FNV-1a): index.html is revalidated on every load. */
function etagOf(body: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < body.length; i++) h = Math.imul(h ^ (body[i] as number), 0x01000193);
  return `"${(h >>> 0).toString(16)}-${body.length.toString(16)}"`;
}

function respond(c: Context, asset: { body: Uint8Array; contentType?: string }, path: string, cache: string) {
  const ext = extensionOf(path);
  const type = asset.contentType ?? (ext ? CONTENT_TYPES[ext] : undefined) ?? "application/octet-stream";
  const etag = etagOf(asset.body);
  const headers: Record<string, string> = { "content-type": type, "cache-control": cache, etag };
  if (type.startsWith("text/html")) headers["content-security-policy"] = CSP;
  if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
  return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, headers);
}

/**
 * Serves the built dashboard: static files with cache headers, and index.html for every other
 * GET so client-side routes (`/sessions/abc`) survive a reload. Mount after the API routes.
 */
export function serveUi({ assets }: { assets: AssetSource }): Hono {
  const app = new Hono();

  async function index(c: Context) {
    const page = await assets.get("index.html");
    if (!page) return c.html(PLACEHOLDER_PAGE, 200, { "cache-control": REVALIDATE });
    return respond(c, page, "index.html", REVALIDATE);
  }

  app.get("*", async function dashboard(c) {
    const reqPath = c.req.path;
    if (RESERVED.test(reqPath)) throw new ApiError("not_found", `No route GET ${reqPath}.`);
    const path = toAssetPath(reqPath);
    if (path === null) throw new ApiError("not_found", `No file ${reqPath}.`);
    if (path === "index.html") return index(c);
    if (extensionOf(path) === null) return index(c);
    const asset = await assets.get(path);
    if (!asset) throw new ApiError("not_found", `No file ${reqPath}.`);
    return respond(c, asset, path, path.startsWith("assets/") ? IMMUTABLE : REVALIDATE);
  });

  return app;
}
