import { z } from "zod";
import type { AnyValue, Attributes } from "./otlp-model.ts";

/**
 * The scalar and common-message rules of OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding)
 * as zod schemas: ids are hex (base64 from generic protobuf-JSON encoders is accepted too),
 * 64-bit integers may be numbers or decimal strings, enums are integers (their names are
 * accepted), and `null` means "not set".
 */

const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function base64ToHex(text: string): string | null {
  if (!BASE64.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    let hex = "";
    for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, "0");
    return hex;
  } catch {
    return null;
  }
}

/** A trace (16-byte) or span (8-byte) id as lowercase hex; "" when absent. */
export function id(bytes: number) {
  return z
    .string()
    .nullish()
    .transform((text, ctx) => {
      if (!text) return "";
      if (text.length === bytes * 2 && HEX.test(text)) return text.toLowerCase();
      const hex = base64ToHex(text);
      if (hex !== null && hex.length === bytes * 2) return hex;
      ctx.addIssue({
        code: "custom",
        message: `expected a ${bytes}-byte id as ${bytes * 2} hex characters (or base64), got ${JSON.stringify(text.slice(0, 64))}`,
      });
      return z.NEVER;
    });
}

const INT = /^-?\d+$/;

/** int64 as a number when a double holds it exactly, else its decimal string. */
export const int64 = z.union([z.number(), z.string()]).transform((v, ctx): number | string => {
  if (typeof v === "number") {
    if (Number.isInteger(v)) return v;
  } else if (INT.test(v.trim())) {
    const big = BigInt(v.trim());
    if (big >= -(2n ** 63n) && big < 2n ** 63n) {
      return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : `${big}`;
    }
  }
  ctx.addIssue({ code: "custom", message: `expected a 64-bit integer, got ${JSON.stringify(v)}` });
  return z.NEVER;
});

/** fixed64 nanosecond timestamps: exact decimal strings. */
export const nanos = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v, ctx): string => {
    if (v === null || v === undefined || v === "") return "0";
    const text = typeof v === "number" ? (Number.isInteger(v) && v >= 0 ? BigInt(v).toString() : "") : v.trim();
    if (/^\d+$/.test(text) && BigInt(text) < 2n ** 64n) return BigInt(text).toString();
    ctx.addIssue({ code: "custom", message: `expected unsigned nanoseconds, got ${JSON.stringify(v)}` });
    return z.NEVER;
  });

export const uint32 = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v, ctx): number => {
    if (v === null || v === undefined) return 0;
    const n = typeof v === "number" ? v : /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
    if (Number.isInteger(n) && n >= 0 && n <= 0xffffffff) return n;
    ctx.addIssue({ code: "custom", message: `expected an unsigned 32-bit integer, got ${JSON.stringify(v)}` });
    return z.NEVER;
  });

export const double = z.union([z.number(), z.string()]).transform((v, ctx): number => {
  if (typeof v === "number") return v;
  const special: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, "-Infinity": -Infinity };
  if (v in special) return special[v]!;
  const n = Number(v);
  if (v.trim() !== "" && !Number.isNaN(n)) return n;
  ctx.addIssue({ code: "custom", message: `expected a number, got ${JSON.stringify(v)}` });
  return z.NEVER;
});

export function enumOf(names: readonly string[]) {
  return z
    .union([z.number().int(), z.string()])
    .nullish()
    .transform((v, ctx): number => {
      if (v === null || v === undefined) return 0;
      if (typeof v === "number") return v;
      const i = names.indexOf(v);
      if (i >= 0) return i;
      ctx.addIssue({ code: "custom", message: `unknown enum value ${JSON.stringify(v)}` });
      return z.NEVER;
    });
}

export const spanKind = enumOf([
  "SPAN_KIND_UNSPECIFIED",
  "SPAN_KIND_INTERNAL",
  "SPAN_KIND_SERVER",
  "SPAN_KIND_CLIENT",
  "SPAN_KIND_PRODUCER",
  "SPAN_KIND_CONSUMER",
]);
export const statusCode = enumOf(["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"]);
export const temporality = enumOf([
  "AGGREGATION_TEMPORALITY_UNSPECIFIED",
  "AGGREGATION_TEMPORALITY_DELTA",
  "AGGREGATION_TEMPORALITY_CUMULATIVE",
]);
// SeverityNumber names are SEVERITY_NUMBER_TRACE … FATAL4 (1–24).
const SEVERITIES = ["UNSPECIFIED", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"].flatMap((n, i) =>
  i === 0 ? ["SEVERITY_NUMBER_UNSPECIFIED"] : ["", "2", "3", "4"].map((s) => `SEVERITY_NUMBER_${n}${s}`),
);
export const severity = enumOf(SEVERITIES);

export const str = z
  .string()
  .nullish()
  .transform((v) => v ?? "");

const bytesValue = z.string().transform((v, ctx) => {
  try {
    const bin = atob(v.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    ctx.addIssue({ code: "custom", message: "expected base64 bytes" });
    return z.NEVER;
  }
});

/** Sets a key even when it is `__proto__` (an attribute key is data, never a prototype). */
export function setKey(record: Record<string, AnyValue>, key: string, value: AnyValue): void {
  if (key === "__proto__") Object.defineProperty(record, key, { value, enumerable: true, writable: true });
  else record[key] = value;
}

type KeyValue = { key: string; value: AnyValue };

export const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z
    .object({
      stringValue: z.string().nullish(),
      boolValue: z.boolean().nullish(),
      intValue: int64.nullish(),
      doubleValue: double.nullish(),
      arrayValue: z.object({ values: z.array(anyValue).nullish() }).nullish(),
      kvlistValue: z.object({ values: z.array(keyValue).nullish() }).nullish(),
      bytesValue: bytesValue.nullish(),
    })
    .transform((v): AnyValue => {
      if (v.stringValue !== undefined && v.stringValue !== null) return v.stringValue;
      if (v.boolValue !== undefined && v.boolValue !== null) return v.boolValue;
      if (v.intValue !== undefined && v.intValue !== null) return v.intValue;
      if (v.doubleValue !== undefined && v.doubleValue !== null) return v.doubleValue;
      if (v.arrayValue) return v.arrayValue.values ?? [];
      if (v.kvlistValue) return toRecord(v.kvlistValue.values ?? []);
      if (v.bytesValue) return v.bytesValue;
      return null;
    }),
);

const keyValue: z.ZodType<KeyValue> = z.lazy(() =>
  z
    .object({ key: z.string(), value: anyValue.nullish() })
    .transform((kv) => ({ key: kv.key, value: kv.value ?? null })),
);

function toRecord(list: KeyValue[]): Attributes {
  const out: Attributes = {};
  for (const kv of list) setKey(out, kv.key, kv.value);
  return out;
}

export const attributes = z
  .array(keyValue)
  .nullish()
  .transform((list) => toRecord(list ?? []));

export const resource = z
  .object({ attributes, droppedAttributesCount: uint32 })
  .nullish()
  .transform((r) => r ?? { attributes: {}, droppedAttributesCount: 0 });

export const scope = z
  .object({ name: str, version: str, attributes, droppedAttributesCount: uint32 })
  .nullish()
  .transform((s) => s ?? { name: "", version: "", attributes: {}, droppedAttributesCount: 0 });
