import type { z } from "zod";

/**
 * A quick "certainly valid" for a zod object schema, compiled once from the schema itself, so
 * zod stays the single source of the rules. It never rejects: anything it cannot vouch for goes to
 * zod, which decides and names what is wrong. It exists for the ingest hot path, where zod's own
 * parse builds a copy of every payload only for the copy to be thrown away.
 *
 * Only the constructs the schemas use are understood (strings with length bounds, numbers with
 * bounds, booleans, literals, unions of these, unknown, arrays of unknown, optional, loose
 * objects); for any other construct
 * compilation returns null and callers use zod alone.
 */
export type QuickAccept = (value: unknown) => boolean;

type Def = {
  type: string;
  checks?: Array<{ _zod: { def: Record<string, unknown> } }>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  options?: z.ZodType[];
  values?: unknown[];
};

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function lengthBounds(def: Def): { min: number; max: number } | null {
  let min = 0;
  let max = Number.POSITIVE_INFINITY;
  for (const c of def.checks ?? []) {
    const check = c._zod.def;
    if (check.check === "min_length") min = Math.max(min, check.minimum as number);
    else if (check.check === "max_length") max = Math.min(max, check.maximum as number);
    else return null;
  }
  return { min, max };
}

function numberCheck(def: Def): QuickAccept | null {
  const bounds: QuickAccept[] = [];
  for (const c of def.checks ?? []) {
    const { check, value, inclusive } = c._zod.def as { check: string; value: number; inclusive: boolean };
    if (check === "greater_than") bounds.push(inclusive ? (v) => (v as number) >= value : (v) => (v as number) > value);
    else if (check === "less_than")
      bounds.push(inclusive ? (v) => (v as number) <= value : (v) => (v as number) < value);
    else return null;
  }
  // zod's number refuses NaN and ±Infinity (JSON cannot carry them anyway).
  return (v) => typeof v === "number" && Number.isFinite(v) && bounds.every((b) => b(v));
}

function compile(schema: z.ZodType): QuickAccept | null {
  const def = defOf(schema);
  switch (def.type) {
    case "unknown":
    case "any":
      return () => true;
    case "boolean":
      return def.checks?.length ? null : (v) => typeof v === "boolean";
    case "string": {
      const b = lengthBounds(def);
      if (!b) return null;
      const { min, max } = b;
      return (v) => typeof v === "string" && v.length >= min && v.length <= max;
    }
    case "number":
      return numberCheck(def);
    case "optional": {
      const inner = def.innerType ? compile(def.innerType) : null;
      return inner && ((v) => v === undefined || inner(v));
    }
    case "array": {
      const element = def.element ? compile(def.element) : null;
      if (!element || def.checks?.length) return null;
      return (v) => Array.isArray(v) && v.every(element);
    }
    case "object":
      return compileObject(def);
    case "literal": {
      const values = def.values ?? [];
      return def.checks?.length ? null : (v) => values.includes(v);
    }
    case "union": {
      const options = (def.options ?? []).map(compile);
      if (options.length === 0 || options.some((o) => o === null)) return null;
      return (v) => options.some((o) => o!(v));
    }
    default:
      return null;
  }
}

function compileObject(def: Def): QuickAccept | null {
  // Loose objects only: a strict one rejects unknown keys and a stripping one changes the value.
  if (!def.shape || !def.catchall || defOf(def.catchall).type !== "unknown") return null;
  const fields: Array<[string, QuickAccept]> = [];
  for (const [key, field] of Object.entries(def.shape)) {
    const check = compile(field);
    if (!check) return null;
    fields.push([key, check]);
  }
  return (v) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
    const o = v as Record<string, unknown>;
    for (const [key, check] of fields) if (!check(o[key])) return false;
    return true;
  };
}

/** The quick check for `schema`, or null when it uses a construct this does not understand. */
export function compileQuickAccept(schema: z.ZodType): QuickAccept | null {
  return compile(schema);
}
