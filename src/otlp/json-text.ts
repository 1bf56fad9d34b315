import { REDACTED, redactString } from "../ingest/redact.ts";
import { redactJson } from "../ingest/trim.ts";

/** Claude Code's attributes that carry a tool's input as JSON text (its log events, 2.1). */
export const JSON_TEXT_KEYS: readonly string[] = ["tool_input", "tool_parameters"];

/**
 * JSON text redacted as the value it spells, so that the rules for object keys hold as they do
 * when the same input comes in a hook: everything under a secret name goes
 * (`{"credentials": {"pw": "…"}}`), keys are redacted too. It stays text (compact JSON). Text that
 * is not a JSON object or array (cut short, say) is redacted as text; JSON nested past `jsonDepth`
 * is withheld whole, as a hook payload that deep is refused.
 */
export function redactJsonText(text: string, jsonDepth?: number): string {
  const first = text.trimStart()[0];
  if (first !== "{" && first !== "[") return redactString(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return redactString(text);
  }
  try {
    return JSON.stringify(redactJson(parsed, jsonDepth));
  } catch {
    return REDACTED;
  }
}
