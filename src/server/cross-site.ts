import type { MiddlewareHandler } from "hono";
import { drainBody } from "../ingest/read-body.ts";
import type { HeaderGetter } from "../ingest/routes.ts";
import { ApiError } from "./api-error.ts";
import { LOOPBACK_NAMES } from "./security.ts";

export type CrossSiteOptions = { host: string; port: number; allowedHosts: string[] };

type Authority = { name: string; port: string };

/**
 * `Host` header → name and port; the port defaults to the origin scheme's, since a same-origin
 * request names the port in Host exactly when its Origin names it.
 */
function hostAuthority(value: string, defaultPort: string): Authority | null {
  const raw = value.trim().toLowerCase();
  const m = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d+))?$/.exec(raw);
  return m ? { name: m[1]!, port: m[2] ?? defaultPort } : null;
}

/**
 * Cross-site request forgery guard. Any web page the user visits can send a POST to
 * 127.0.0.1 (`fetch(..., {mode: "no-cors"})` or a form, with a text/plain or form body that needs
 * no preflight), and CORS only stops it from reading the answer, not from storing events. Browsers
 * mark such requests: `Sec-Fetch-Site` says where the request comes from, and `Origin` names the
 * page. Refused: `Sec-Fetch-Site: cross-site | same-site` (same-site is another port on the same
 * machine: a different app) and an `Origin` that is not this server. Hook clients, curl and OTLP
 * exporters send neither header, so they are not affected.
 *
 * This server's own origins: the authority in the request's Host header (what the browser
 * addressed; the Host guard runs first and has vetted it), the configured host or a loopback
 * name on the configured port, and any name in server.allowedHosts (a reverse proxy's public name).
 */
export function createCrossSiteCheck({ host, port, allowedHosts }: CrossSiteOptions) {
  const local = new Set([...LOOPBACK_NAMES, host].map((h) => h.toLowerCase()));
  const trusted = new Set(allowedHosts.map((h) => h.toLowerCase()));
  const configuredPort = port === 0 ? null : String(port);

  function isOwnOrigin(origin: string, hostHeader: string | null): boolean {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      // Includes `Origin: null` (sandboxed frames, file: pages, redirects across sites).
      return false;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return false;
    const defaultPort = url.protocol === "https:" ? "443" : "80";
    const name = url.hostname.toLowerCase();
    const originPort = url.port || defaultPort;
    const addressed = hostHeader ? hostAuthority(hostHeader, defaultPort) : null;
    if (addressed && addressed.name === name && addressed.port === originPort) return true;
    if (trusted.has(name)) return true;
    return local.has(name) && originPort === configuredPort;
  }

  return function crossSiteError(headers: HeaderGetter): ApiError | null {
    const site = headers.get("sec-fetch-site")?.trim().toLowerCase();
    if (site === "cross-site" || site === "same-site") return refusal(`Sec-Fetch-Site: ${site}`);
    const origin = headers.get("origin");
    if (origin === null || isOwnOrigin(origin, headers.get("host"))) return null;
    return refusal(`Origin: ${origin.slice(0, 100)}`);
  };
}

function refusal(evidence: string): ApiError {
  return new ApiError(
    "forbidden_origin",
    `Refused a request from a web page on another site (${evidence}): pages may not send events to or read from Spanlight. If that site is yours, add its host name to server.allowedHosts.`,
  );
}

/**
 * Which requests the guard covers: everything that changes state (any method but GET and HEAD)
 * and every read of recorded data (/api/*, /status). Plain GETs of the dashboard and /health stay
 * open, so a link to the dashboard from another site still opens it.
 */
export function coversRequest(method: string, path: string): boolean {
  if (method !== "GET" && method !== "HEAD") return true;
  return path.startsWith("/api/") || path === "/status";
}

export function refuseCrossSite(options: CrossSiteOptions): MiddlewareHandler {
  const crossSiteError = createCrossSiteCheck(options);
  return async function crossSiteGuard(c, next) {
    if (!coversRequest(c.req.method, c.req.path)) return next();
    const error = crossSiteError(c.req.raw.headers);
    if (error) {
      await drainBody(c.req.raw);
      throw error;
    }
    return next();
  };
}
