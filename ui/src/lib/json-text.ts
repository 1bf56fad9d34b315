/** Pretty JSON for display in a `<pre>` (always as text, never as HTML). */
export function toJsonText(value: unknown): string {
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
