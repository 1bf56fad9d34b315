/**
 * What the redaction modules share (redact.ts, redact-at-words.ts, secret-names.ts): the text that
 * replaces a secret, the words that say a name holds one, and the character tests and flag edit
 * both passes use. It imports nothing, so the patterns the others build from it at load time never
 * wait on an import cycle.
 */
export const REDACTED = "[REDACTED]";

/**
 * `cls{n,}` written as `cls{n}cls*`: the same language, but V8 runs `{n,}` as a loop that keeps one
 * backtrack entry per character and throws "Maximum call stack size exceeded" past ~8M of them.
 */
export function atLeast(cls: string, n: number): string {
  return `${cls}{${n}}${cls}*`;
}

// Words in a name that say its value is a secret: `KEY=value`, `key: value`, `"key": "value"`.
export const SECRET_WORD =
  "api[_-]?key|secret|token|passw(?:or)?d|passphrase|pwd|access[_-]?key|private[_-]?key|credential|authorization|cookie";
// The value of an assignment (ASSIGNMENT in redact.ts, WEAK_ASSIGNMENT in redact-at-words.ts):
// quoted, or a bare run of at least 4 characters. The quoted value is redacted whole.
export const ASSIGNMENT_VALUE = `(?:"([^"\\n]+)"|'([^'\\n]+)'|(${atLeast("[^\\s\"',;&]", 4)}))`;

// What a flag name is followed by in prose about the flag ("pass the --token flag"), not a value.
export const PROSE_AFTER_FLAG =
  /^(?:flag|option|argument|arg|param(?:eter)?|value|and|or|is|to|with|for|the|a|an|in|on|of|if|when|instead|which|that|was|will|must|should|can|as|from|by|it|only|not|are|be)[.,:;)!?]*$/i;

/**
 * Whether `:` or `=` follows at `i`, after an optional quote and blanks: the quick no for most
 * `key` and `pass` in text (`keyboard`, `pass the`), before the regex reads the value.
 */
export function separatorAt(text: string, i: number): boolean {
  let c = text.charCodeAt(i);
  if (c === 34 || c === 39) c = text.charCodeAt(++i);
  while (c === 32 || c === 9) c = text.charCodeAt(++i);
  return c === 58 || c === 61;
}

/** [A-Za-z0-9_.-], the characters of a name. */
export function isNameChar(c: number): boolean {
  return isWordChar(c) || c === 46 || c === 45;
}

/** [A-Za-z0-9_], what `\b` takes for a word character. */
export function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** `[REDACTED]` in the quotes the value had. */
export function redactedAs(value: string): string {
  const q = value[0] === '"' || value[0] === "'" ? value[0] : "";
  return `${q}${REDACTED}${q}`;
}

/** A `--flag value` match (FLAG_VALUE, LOGIN_P) with its value redacted, unless it is prose or already redacted. */
export function redactFlag(m: string, flag: string, value: string): string {
  if (value.startsWith(REDACTED) || PROSE_AFTER_FLAG.test(value)) return m;
  return `${flag}${redactedAs(value)}`;
}
