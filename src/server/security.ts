import type { MiddlewareHandler } from "hono";
import { isLoopbackHost } from "../config/loopback.ts";
import { drainBody } from "../ingest/read-body.ts";
import { ApiError } from "./api-error.ts";

/** Host names that always mean this machine; the bound address and server.allowedHosts join them. */
export const LOOPBACK_NAMES: readonly string[] = ["127.0.0.1", "localhost", "::1", "[::1]"];

/** Constant-time string comparison: the time taken does not depend on where the strings differ. */
export function safeEqual(a: string, b: string): boolean {
  const enc = new TextEncoder();
  const x = enc.encode(a);
  const y = enc.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** The bearer token of an Authorization header value, or "" when there is none. */
function bearerOf(header: string | null): string | null {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? "");
  return m?.[1]?.trim() ?? null;
}

/** The token check as a plain function, shared by the middleware and the Node ingest fast path. */
export function tokenError(
  token: string | null,
  authorization: string | null,
  queryToken: string | null = null,
): ApiError | null {
  if (!token) return null;
  const given = bearerOf(authorization) ?? queryToken ?? "";
  return safeEqual(given, token)
    ? null
    : new ApiError("unauthorized", "Missing or invalid bearer token (Authorization: Bearer <token>).");
}

/**
 * DNS-rebinding guard: a page on evil.example that resolves to 127.0.0.1 still sends
 * `Host: evil.example`. Enforced while the server is loopback-only; a server bound beyond
 * loopback requires a token, which a rebinding page does not have.
 */
export function createHostCheck({ host, allowedHosts }: { host: string; allowedHosts: string[] }) {
  const names = new Set([...LOOPBACK_NAMES, host, ...allowedHosts].map((h) => h.toLowerCase()));
  const enforce = isLoopbackHost(host);
  // A client sends the same Host header on every request: remember the last one let through.
  let lastAllowed: string | null = null;
  return function hostError(hostHeader: string | null): ApiError | null {
    if (!enforce || (hostHeader !== null && hostHeader === lastAllowed)) return null;
    const raw = (hostHeader ?? "").toLowerCase();
    const name = raw.startsWith("[") ? raw.slice(0, raw.indexOf("]") + 1) : raw.split(":")[0]!;
    // No Host header (HTTP/1.0, some test clients): nothing to rebind.
    if (raw === "") return null;
    if (names.has(name)) {
      lastAllowed = hostHeader;
      return null;
    }
    return new ApiError("forbidden_host", `Host "${raw}" is not this server; add it to server.allowedHosts if it is.`);
  };
}

/**
 * Requires `Authorization: Bearer <token>` when a token is configured. SSE may pass `?token=`
 * because EventSource cannot set headers.
 */
export function requireToken({
  token,
  queryTokenPaths = [],
}: {
  token: string | null;
  queryTokenPaths?: string[];
}): MiddlewareHandler {
  return async function tokenGuard(c, next) {
    const query = queryTokenPaths.includes(c.req.path) ? (c.req.query("token") ?? null) : null;
    const error = tokenError(token, c.req.header("authorization") ?? null, query);
    if (error) {
      // Ingest may have a body in flight: drain it so the client reads the 401 instead of a reset.
      await drainBody(c.req.raw);
      throw error;
    }
    return next();
  };
}

export function checkHost(options: { host: string; allowedHosts: string[] }): MiddlewareHandler {
  const hostError = createHostCheck(options);
  return async function hostGuard(c, next) {
    const error = hostError(c.req.header("host") ?? null);
    if (error) {
      await drainBody(c.req.raw);
      throw error;
    }
    return next();
  };
}
