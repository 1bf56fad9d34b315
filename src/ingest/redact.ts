/**
 * Secret redaction, applied to every string of every event before it is stored or exported.
 * The patterns favour recall on well-known token shapes and keep the surrounding text, so a
 * redacted command still reads as the command it was.
 */
export const REDACTED = "[REDACTED]";

const TOKEN_PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\bsk-ant-[A-Za-z0-9_-]{8,}/g, // Anthropic
  /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}/g, // OpenAI-style
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bglpat-[A-Za-z0-9_-]{20,}/g, // GitLab
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key id
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API key
  /\bnpm_[A-Za-z0-9]{36}\b/g,
  /\b(?:sk|rk|pk)_live_[A-Za-z0-9]{16,}/g, // Stripe
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT
];

// `Authorization: Bearer xyz`, `-H "Authorization: Basic …"`, `bearer xyz`
const BEARER = /\b(Bearer|Basic|Token)(\s+)([A-Za-z0-9._~+/=-]{8,})/gi;
// scheme://user:password@host
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi;
// KEY=value / key: value / "key": "value" where the name says secret; a quoted value is redacted whole.
const ASSIGNMENT =
  /((?:^|[^A-Za-z0-9])[A-Za-z0-9_.-]*(?:api[_-]?key|secret|token|passw(?:or)?d|passwd|pwd|access[_-]?key|private[_-]?key|credentials?|auth)[A-Za-z0-9_.-]*["']?\s*[:=]\s*)(?:"([^"\n]+)"|'([^'\n]+)'|([^\s"',;]{4,}))/gi;

const SECRET_KEY_NAME =
  /(?:api[_-]?key|secret|token|passw(?:or)?d|passwd|access[_-]?key|private[_-]?key|credential|authorization)/i;

// Cheap pre-check: most strings (paths, ids, short text) hold none of these markers.
const MAYBE_SECRET =
  /sk-|gh[pousr]_|github_pat|glpat|xox|AKIA|AIza|npm_|_live_|eyJ|bearer|basic|token|:\/\/|key|secret|pass|pwd|cred|auth|PRIVATE/i;

export function redactString(text: string): string {
  // Nothing under 8 characters can hold a key, a token or `name=value` with a real value.
  if (text.length < 8 || !MAYBE_SECRET.test(text)) return text;
  let out = text;
  for (const re of TOKEN_PATTERNS) out = out.replace(re, REDACTED);
  out = out.replace(BEARER, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED}`);
  out = out.replace(URL_PASSWORD, (_m, head: string, _pw: string, at: string) => `${head}${REDACTED}${at}`);
  out = out.replace(ASSIGNMENT, (m, head: string, dq?: string, sq?: string, bare?: string) => {
    const value = dq ?? sq ?? bare ?? "";
    // Already handled (a redacted token, or an auth scheme whose credential was redacted above).
    if (value.startsWith(REDACTED) || /^(Bearer|Basic|Token)$/i.test(value)) return m;
    if (dq !== undefined) return `${head}"${REDACTED}"`;
    if (sq !== undefined) return `${head}'${REDACTED}'`;
    return `${head}${REDACTED}`;
  });
  return out;
}

/**
 * True when an object key names a secret, so its whole (string) value is redacted.
 * Ingest asks once per key name (payload-keys.ts keeps the answers).
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_NAME.test(key) && !/_(?:count|tokens?|usage|path|file|id|ids|type|name|mode)$/i.test(key);
}
