import { COUNT, SECRET } from "../ingest/payload-keys.ts";
import { isCountText, REDACTED, redactString } from "../ingest/redact.ts";
import { objectKey } from "../ingest/trim.ts";
import { JSON_TEXT_KEYS, redactJsonText } from "./json-text.ts";
import type { AnyValue, Attributes } from "./otlp-model.ts";
import type { AttributeMapper } from "./sdk-records.ts";

/**
 * What of Claude Code's own telemetry may leave the machine. Forwarding keeps spans and log
 * records as they came, with two exceptions that every Spanlight export shares: secrets are
 * redacted, and content (prompts, tool input and output) only goes out when the matching
 * `otel.capture.*` switch is on — Claude Code's OTEL_LOG_USER_PROMPTS / OTEL_LOG_TOOL_DETAILS
 * put it there for the local view, not necessarily for a shared backend.
 */

export type CaptureSwitches = { prompts: boolean; toolInput: boolean; toolOutput: boolean };

// Claude Code 2.1 attribute names that hold content, by the switch that lets them out.
const CONTENT_KEYS: Record<keyof CaptureSwitches, readonly string[]> = {
  prompts: ["prompt", "prompt_text", "user_prompt", "response"],
  // File paths stay, as on the hook-derived spans; commands and inputs follow the switch.
  toolInput: ["tool_input", "tool_parameters", "full_command"],
  toolOutput: ["tool_output", "tool_result", "output"],
};

const JSON_TEXT = new Set(JSON_TEXT_KEYS);

function capped(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * `v` redacted as the store redacts it (trim.ts): keys and strings by pattern, and whatever a
 * secret name holds (`password`, `authorization`, `api_key`, a `{name: "API_KEY", value}` pair)
 * whole, at any depth; `kind` is what the names above say (payload-keys.ts bits).
 */
function redactUnder(v: AnyValue, max: number, kind: number): AnyValue {
  if (typeof v === "string") {
    if (kind & SECRET && v !== "" && !(kind & COUNT && isCountText(v))) return REDACTED;
    return capped(redactString(v), max);
  }
  if (v instanceof Uint8Array) return kind & SECRET && v.length > 0 ? REDACTED : v;
  if (Array.isArray(v)) return v.map((x) => redactUnder(x, max, kind & (SECRET | COUNT)));
  if (v !== null && typeof v === "object") {
    const out: Record<string, AnyValue> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "__proto__") continue;
      const { key, kind: under } = objectKey(v, k, kind);
      out[key] = redactUnder(x, max, under);
    }
    return out;
  }
  return v;
}

export function redactValue(v: AnyValue, max: number): AnyValue {
  return redactUnder(v, max, 0);
}

/** Names, status messages and severity texts of what is forwarded: redacted as any string. */
export const outboundText = (text: string): string => redactString(text);

/** The attribute rewrite applied to everything forwarded (spans, span events, log records). */
export function outboundAttributes(capture: CaptureSwitches, maxChars: number): AttributeMapper {
  const dropped = new Set<string>();
  for (const [flag, keys] of Object.entries(CONTENT_KEYS) as Array<[keyof CaptureSwitches, readonly string[]]>) {
    if (!capture[flag]) for (const k of keys) dropped.add(k);
  }
  return (attrs: Attributes) => {
    const out: Attributes = {};
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "__proto__" || dropped.has(k)) continue;
      const { key, kind } = objectKey(attrs, k, 0);
      // Claude Code sends a tool's input as JSON text: redacted as the object it spells.
      out[key] =
        JSON_TEXT.has(k) && typeof v === "string"
          ? capped(redactJsonText(v), maxChars)
          : redactUnder(v, maxChars, kind);
    }
    return out;
  };
}
