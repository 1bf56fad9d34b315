import { describe, expect, it } from "vitest";
import { z } from "zod";
import { hookPayloadSchema, telemetryEventSchema } from "../../src/schema/mod.ts";
import { compileQuickAccept } from "../../src/schema/quick-accept.ts";
import { loadHooks, scenarios } from "../helpers/fixtures.ts";

// Values that break one rule or another of every field type in the hook schema.
const PROBES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -1,
  -0.5,
  8.25,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  "",
  "x",
  "y".repeat(129),
  "z".repeat(257),
  "w".repeat(513),
  [],
  ["a", 1],
  {},
  { nested: true },
];

describe("quick accept compiled from the hook schema", () => {
  const quick = compileQuickAccept(hookPayloadSchema);
  const payloads = scenarios().flatMap((s) => loadHooks(s).map((h) => h.payload as Record<string, unknown>));

  it("compiles: ingest's hot path is in use for hooks", () => {
    // Null here means the schema gained a construct the quick check does not understand: ingest
    // still validates with zod alone, but pays for zod's copy of every payload.
    expect(quick).not.toBeNull();
  });

  it("accepts every real captured payload", () => {
    expect(payloads.length).toBeGreaterThan(200);
    for (const p of payloads) expect(quick!(p)).toBe(true);
  });

  it("agrees with zod on every field set to every kind of wrong (and right) value", () => {
    const keys = Object.keys(hookPayloadSchema.shape);
    const bases = payloads.filter((_, i) => i % 10 === 0);
    let rejected = 0;
    let cases = 0;
    for (const base of bases) {
      for (const key of [...keys, "unknown_extra"]) {
        for (const probe of PROBES) {
          const value = { ...base, [key]: probe };
          if (probe === undefined) delete value[key];
          const zodSays = hookPayloadSchema.safeParse(value).success;
          expect(quick!(value), `${key} = ${JSON.stringify(probe)}`).toBe(zodSays);
          if (!zodSays) rejected++;
          cases++;
        }
      }
    }
    // The probes really do break rules: most fields refuse most of them.
    expect(rejected).toBeGreaterThan(cases / 2);
    for (const v of [null, [], "text", 3]) expect(quick!(v)).toBe(hookPayloadSchema.safeParse(v).success);
  });

  it("declines schemas with rules it does not understand, leaving them to zod", () => {
    expect(compileQuickAccept(telemetryEventSchema)).toBeNull(); // ISO date-time, enum, nested strict object
    expect(compileQuickAccept(z.object({ a: z.string() }))).toBeNull(); // strips unknown keys
    expect(compileQuickAccept(z.strictObject({ a: z.string() }))).toBeNull();
    expect(compileQuickAccept(z.looseObject({ a: z.string().regex(/x/) }))).toBeNull();
    expect(compileQuickAccept(z.looseObject({ a: z.number().int() }))).toBeNull();
    const ok = compileQuickAccept(z.looseObject({ n: z.number().gt(1).lte(3), b: z.array(z.unknown()).optional() }));
    expect([1, 1.5, 3, 4].map((n) => ok!({ n }))).toEqual([false, true, true, false]);
  });
});
