import type { AnyValue, Attributes } from "./otlp-model.ts";

/** JSON-safe copy of an OTLP value: bytes become base64 strings, non-finite doubles their names. */
export function toJsonValue(v: AnyValue): unknown {
  if (v instanceof Uint8Array) {
    let bin = "";
    for (const b of v) bin += String.fromCharCode(b);
    return btoa(bin);
  }
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "__proto__") continue;
      out[k] = toJsonValue(x);
    }
    return out;
  }
  return v;
}

export function toJsonRecord(attrs: Attributes): Record<string, unknown> {
  return toJsonValue(attrs) as Record<string, unknown>;
}

export function stringAttr(attrs: Attributes, key: string): string | null {
  const v = attrs[key];
  return typeof v === "string" && v !== "" ? v : null;
}
