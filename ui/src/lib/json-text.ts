/**
 * Captured data for display in a `<pre>` (always as text, never as HTML): pretty JSON, except a
 * bare string (an error message, command output) shows as its own lines rather than as a quoted
 * literal full of `\n`. Nothing captured (`undefined`) is no text, never the word "undefined".
 */
export function toJsonText(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value, null, 2) ?? "";
  } catch {
    return String(value);
  }
}
