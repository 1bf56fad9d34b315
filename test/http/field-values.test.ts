import { describe, expect, it } from "vitest";
import { createSpanAssembler } from "../../otel/span-assembler.ts";
import { createSpanMapper } from "../../otel/span-mapper.ts";
import { postHook, testSpanlight } from "../helpers/app.ts";
import { loadHooks, scenarios } from "../helpers/fixtures.ts";
import { mapperOptions } from "../otel/helpers/map-scenario.ts";

// Every field of every kind of captured hook, set in turn to values no sender should send: each
// request is answered 2xx or 4xx (never 5xx, which would leave it half-stored), the API still
// answers, and span mapping never throws. (A duration_ms of 1e308 once failed a PostToolUse.)

const ODD: unknown[] = [1e308, -1, 2 ** 53 + 2, "", null, true, {}, [], "x".repeat(5000), "2999-01-01T00:00:00Z"];

/** Paths of the fields of `o`, two levels into objects (tool_input.command, tool_response.stdout). */
function fieldPaths(o: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(o).flatMap(([k, v]) =>
    prefix.length < 2 && v && typeof v === "object" && !Array.isArray(v)
      ? [[...prefix, k], ...fieldPaths(v as Record<string, unknown>, [...prefix, k])]
      : [[...prefix, k]],
  );
}

function withValue(payload: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(payload);
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[path.at(-1)!] = value;
  return copy;
}

describe("odd values in any hook field", () => {
  it.each(scenarios())("%s: every request answered 2xx/4xx, the API and the mapper unharmed", async (scenario) => {
    const s = testSpanlight();
    const mapper = createSpanMapper(mapperOptions());
    const assembler = createSpanAssembler(() => {});
    const mapping: string[] = [];
    s.store.subscribe((e) => {
      try {
        assembler.applyAll(mapper.map(e, 0));
      } catch (err) {
        mapping.push(`${e.type}: ${(err as Error).message}`);
      }
    });
    const failures: string[] = [];
    const tried = new Set<string>();
    for (const { payload } of loadHooks(scenario)) {
      for (const path of fieldPaths(payload)) {
        // Each field of each kind of hook once: the same field of the next PostToolUse adds nothing.
        const key = `${payload.hook_event_name}:${path.join(".")}`;
        if (tried.has(key)) continue;
        tried.add(key);
        for (const value of ODD) {
          const odd = withValue(payload, path, value);
          // A call of its own: a Post whose Pre was never seen is timed back from its duration.
          if (typeof odd.tool_use_id === "string") odd.tool_use_id = `${odd.tool_use_id}:${key}`;
          const res = await postHook(s.app, odd);
          if (res.status >= 500) failures.push(`${key} = ${JSON.stringify(value).slice(0, 20)}: ${res.status}`);
        }
      }
      expect((await postHook(s.app, payload)).status).toBeLessThan(300);
    }
    expect(failures).toEqual([]);
    expect(mapping).toEqual([]);
    expect(() => assembler.applyAll(mapper.endAll("shutdown"))).not.toThrow();
    const reads = ["/api/sessions", "/api/stats", "/api/tools", "/api/files", "/api/agents", "/api/events?limit=500"];
    for (const x of s.store.sessions()) reads.push(`/api/sessions/${encodeURIComponent(x.sessionId)}`);
    for (const path of reads) expect([path, (await s.app.request(path)).status]).toEqual([path, 200]);
  });
});
