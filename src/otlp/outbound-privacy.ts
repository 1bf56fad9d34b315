import { redactString } from "../ingest/mod.ts";
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

function capped(text: string, max: number): string {
  const clean = redactString(text);
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export function redactValue(v: AnyValue, max: number): AnyValue {
  if (typeof v === "string") return capped(v, max);
  if (Array.isArray(v)) return v.map((x) => redactValue(x, max));
  if (v !== null && typeof v === "object" && !(v instanceof Uint8Array)) {
    const out: Record<string, AnyValue> = {};
    for (const [k, x] of Object.entries(v)) if (k !== "__proto__") out[k] = redactValue(x, max);
    return out;
  }
  return v;
}

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
      out[k] = redactValue(v, maxChars);
    }
    return out;
  };
}
