import type { Hono } from "hono";
import { drainBody } from "../ingest/read-body.ts";
import { ApiError } from "./api-error.ts";

// Hono's app.use() registers middleware under this pseudo-method; it is no route of its own.
const MIDDLEWARE = "ALL";

/**
 * Path → the methods its routes answer, read from the mounted sub-apps themselves so the list
 * cannot drift from the routes. HEAD goes with GET: Hono answers it from the GET handler.
 */
export function allowedMethods(apps: Hono[]): Map<string, string> {
  const byPath = new Map<string, Set<string>>();
  for (const app of apps) {
    for (const route of app.routes) {
      if (route.method === MIDDLEWARE) continue;
      const methods = byPath.get(route.path) ?? new Set<string>();
      methods.add(route.method);
      if (route.method === "GET") methods.add("HEAD");
      byPath.set(route.path, methods);
    }
  }
  return new Map([...byPath].map(([path, methods]) => [path, [...methods].join(", ")]));
}

/**
 * A known path asked with a method it does not take is `405` with `Allow`, not a 404 that reads
 * as "wrong URL". Register after the routes (a route that matches answers first) and before any
 * catch-all such as the dashboard's SPA fallback.
 */
export function refuseOtherMethods(app: Hono, routes: Map<string, string>): void {
  for (const [path, allow] of routes) {
    app.all(path, async (c) => {
      // A body in flight is read to its end so the client sees this answer, not a reset.
      await drainBody(c.req.raw);
      throw new ApiError(
        "method_not_allowed",
        `${c.req.method} is not allowed on ${c.req.path}; it takes ${allow}.`,
        undefined,
        { allow },
      );
    });
  }
}
