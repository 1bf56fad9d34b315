/**
 * Secret redaction, applied to every string of every event before it is stored or exported.
 * The patterns favour recall on well-known token shapes and keep the surrounding text, so a
 * redacted command still reads as the command it was.
 *
 * Every pattern must run in linear time whatever the input: redaction sees a body before it is
 * cut to `limits.stringChars`, so a hostile or merely unlucky 1 MiB string must not stall ingest.
 * The rule that keeps them linear: a pattern with an open-ended run may only start where that
 * run starts (a lookbehind on the run's own characters) or at a literal that cannot repeat inside
 * the run; it then scans the run once and either matches it whole or fails within it. `\b` is not
 * enough: `_token_token…` has no word boundary inside it, `a.a.a…` has one at every letter.
 */
export const REDACTED = "[REDACTED]";

/**
 * `cls{n,}` written as `cls{n}cls*`: the same language, but V8 runs `{n,}` as a loop that keeps one
 * backtrack entry per character and throws "Maximum call stack size exceeded" past ~8M of them.
 */
function atLeast(cls: string, n: number): string {
  return `${cls}{${n}}${cls}*`;
}

// Token shapes, all starting at a character that is not a letter or digit. Lookbehind rather than
// `\b`, which fails after `_` (`x_ghp_…`). Each open-ended run either matches whole or fails
// within its minimum length, so one alternation scans the text once.
const TOKENS = new RegExp(
  "(?<![A-Za-z0-9])(?:" +
    [
      `sk-ant-${atLeast("[A-Za-z0-9_-]", 8)}`, // Anthropic
      `sk-(?:proj-|svcacct-)?${atLeast("[A-Za-z0-9_-]", 20)}`, // OpenAI-style
      `gh[pousr]_${atLeast("[A-Za-z0-9]", 20)}`, // GitHub
      `github_pat_${atLeast("[A-Za-z0-9_]", 20)}`,
      `glpat-${atLeast("[A-Za-z0-9_-]", 20)}`, // GitLab
      `(?:xox[abposre]|xapp)-${atLeast("[A-Za-z0-9-]", 10)}`, // Slack bot, user, refresh and app tokens
      "(?:AKIA|ASIA)[0-9A-Z]{16}\\b", // AWS access key ids, long-term and temporary
      "AIza[0-9A-Za-z_-]{35}\\b", // Google API key
      "npm_[A-Za-z0-9]{36}\\b",
      `(?:sk|rk|pk)_live_${atLeast("[A-Za-z0-9]", 16)}`, // Stripe
      `hf_${atLeast("[A-Za-z0-9]", 30)}`, // Hugging Face
    ].join("|") +
    ")",
  "g",
);
// A JWT's three runs contain `_` and `-`, so it may only start where such a run starts.
const JWT = new RegExp(
  `(?<![A-Za-z0-9_-])eyJ${atLeast("[A-Za-z0-9_-]", 8)}\\.eyJ${atLeast("[A-Za-z0-9_-]", 8)}\\.${atLeast("[A-Za-z0-9_-]", 8)}`,
  "g",
);
// PEM and PGP private keys; an unterminated block (a cut-off paste) is redacted to the end.
const PRIVATE_KEY =
  /-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----|$)/g;
// The path of a Slack webhook is its credential; the host stays so the URL still says what it was.
const SLACK_WEBHOOK = /\bhooks\.slack\.com\/(services|workflows|triggers)\/[A-Za-z0-9_/-]{8}[A-Za-z0-9_/-]*/g;

// `Authorization: Bearer xyz`, `-H "Authorization: Basic …"`, `bearer xyz`
const BEARER = /\b(Bearer|Basic|Token)([ \t]+)([A-Za-z0-9._~+/=-]{8}[A-Za-z0-9._~+/=-]*)/gi;
// scheme://user:password@host. Anchored on `://` with one scheme character before it: the rest of
// the scheme is kept as it is anyway, and matching it whole is what made `a.a.a…` quadratic.
const URL_PASSWORD = /([a-z0-9+.-]:\/\/[^\s:/@]+:)[^\s@/]+@/gi;
// `Cookie: a=b; c=d` / `Set-Cookie: …` header lines: the whole value is the session.
const COOKIE_HEADER = /(?<![A-Za-z0-9-])((?:set-)?cookie[ \t]*:[ \t]*)[^\s"'=;]+=[^\n"']*/gi;
// `--password value`, `--api-key value`, `--github-token value` (the `=` form is an assignment).
const FLAG_VALUE =
  /(?<![A-Za-z0-9_-])(--?(?!no-)(?:[A-Za-z0-9]+[-_]){0,8}(?:passw(?:or)?d|passphrase|token|secret|(?:api|access|secret|private)[-_]?key|cookie)[ \t]+)(?![-<>])("[^"\n]*"|'[^'\n]*'|[^\s"';|&<>]+)/gi;
// What a flag name is followed by in prose about the flag ("pass the --token flag"), not a value.
const PROSE_AFTER_FLAG =
  /^(?:flag|option|argument|arg|param(?:eter)?|value|and|or|is|to|with|for|the|a|an|in|on|of|if|when|instead|which|that|was|will|must|should|can|as|from|by|it|only|not|are|be)[.,:;)!?]*$/i;
// curl's `-u user:password` / `--user user:password`; `-u` means other things elsewhere (docker's
// uid:gid, sort's unique), so this only runs on text that mentions curl.
const CURL_USER = /((?<![A-Za-z0-9_-])(?:-[uU][ \t]*|--(?:proxy-)?user(?:[ \t]+|=))["']?[^\s:"'@]+:)[^\s"']+/g;
// A shell command segment (between newlines, `;`, `|` and `&`) that runs a MySQL/MariaDB client,
// where `-pSECRET` is the password glued to its flag. Elsewhere `-p` is `mkdir -p`, `git log -p`,
// `ssh -p2222`, so `-p…` is only redacted inside such a segment. The lookbehind starts a match only
// at a segment's start, so each segment is scanned once.
const MYSQL_SEGMENT = /(?<![^\n;|&])[^\n;|&]*\b(?:mysql|mariadb)[^\n;|&]*/g;
const MYSQL_P = /(?<=\s)-p(?:"[^"\n]*"|'[^'\n]*'|[^\s"'][^\s]*)/g;

// Words in a name that say its value is a secret: `KEY=value`, `key: value`, `"key": "value"`.
const SECRET_WORD =
  "api[_-]?key|secret|token|passw(?:or)?d|passphrase|pwd|access[_-]?key|private[_-]?key|credential|authorization|cookie";
// Object keys (payload-keys.ts); in free text `auth` too (`AUTH=…`), but not `author`.
const SECRET_KEY_NAME = new RegExp(SECRET_WORD, "i");
// A name is a maximal run of [A-Za-z0-9_.-]; the match starts only where a run starts and the
// lookahead looks for the word inside that one run, so `_token_token…` is scanned once, not once
// per `token` (which made the old pattern cubic). The quoted value is redacted whole.
const ASSIGNMENT = new RegExp(
  `(?<![A-Za-z0-9_.-])(?=[A-Za-z0-9_.-]*?(?:${SECRET_WORD}|auth(?!or)))([A-Za-z0-9_.-]+)(["']?[ \\t]*[:=][ \\t]*)` +
    `(?:"([^"\\n]+)"|'([^'\\n]+)'|(${atLeast("[^\\s\"',;&]", 4)}))`,
  "gi",
);

// Cheap pre-check: most strings (paths, ids, short text) hold none of these markers. It is most of
// the time redaction takes, so the markers are grouped by first letter: V8 then tries one branch
// per position instead of every marker (a quarter faster than the flat list on real payloads).
const MAYBE_SECRET =
  /a(?:kia|iza|uth|sia)|b(?:earer|asic)|c(?:red|ookie|url)|eyj|g(?:h[pousr]_|ithub_pat|lpat)|h(?:f_|ooks\.slack)|key|m(?:ysql|ariadb)|npm_|p(?:ass|wd|rivate)|s(?:k-|ecret)|token|x(?:ox|app)|_live_|:\/\//i;

export function redactString(text: string): string {
  // Nothing under 8 characters can hold a key, a token or `name=value` with a real value.
  if (text.length < 8 || !MAYBE_SECRET.test(text)) return text;
  let out = text.replace(TOKENS, REDACTED).replace(JWT, REDACTED);
  if (out.includes("-----BEGIN ")) out = out.replace(PRIVATE_KEY, REDACTED);
  if (out.includes("hooks.slack.com/")) out = out.replace(SLACK_WEBHOOK, `hooks.slack.com/$1/${REDACTED}`);
  out = out.replace(BEARER, redactScheme);
  if (out.includes("://")) out = out.replace(URL_PASSWORD, `$1${REDACTED}@`);
  if (/cookie/i.test(out)) out = out.replace(COOKIE_HEADER, `$1${REDACTED}`);
  out = out.replace(FLAG_VALUE, redactFlag);
  // Command names are lower case; `includes` is far cheaper than a pass of the patterns below.
  if (out.includes("curl")) out = out.replace(CURL_USER, `$1${REDACTED}`);
  if (out.includes("mysql") || out.includes("mariadb")) {
    out = out.replace(MYSQL_SEGMENT, (segment) => segment.replace(MYSQL_P, `-p${REDACTED}`));
  }
  return out.replace(ASSIGNMENT, redactAssignment);
}

function redactScheme(m: string, scheme: string, space: string, credential: string, at: number, text: string): string {
  return looksIssued(credential) || afterAuthorization(text, at) ? `${scheme}${space}${REDACTED}` : m;
}

/** Issued credentials carry digits or base64 padding; "basic explanation", "token expiration" do not. */
function looksIssued(credential: string): boolean {
  return /[0-9=]/.test(credential) || credential.length >= 24;
}

/** In an `Authorization:` header whatever follows the scheme is the credential. */
function afterAuthorization(text: string, at: number): boolean {
  return /authorization["']?\s*:\s*["']?$/i.test(text.slice(Math.max(0, at - 24), at));
}

function redactFlag(m: string, flag: string, value: string): string {
  if (value.startsWith(REDACTED) || PROSE_AFTER_FLAG.test(value)) return m;
  const q = value[0] === '"' || value[0] === "'" ? value[0] : "";
  return `${flag}${q}${REDACTED}${q}`;
}

function redactAssignment(m: string, name: string, sep: string, dq?: string, sq?: string, bare?: string): string {
  const value = dq ?? sq ?? bare ?? "";
  // Already handled (a redacted token, or an auth scheme whose credential was redacted above).
  if (value.startsWith(REDACTED) || /^(Bearer|Basic|Token)$/i.test(value)) return m;
  const kind = nameKind(name);
  if (kind === NOT_SECRET || (kind === COUNT_NAME && isCountText(value))) return m;
  if (dq !== undefined) return `${name}${sep}"${REDACTED}"`;
  if (sq !== undefined) return `${name}${sep}'${REDACTED}'`;
  return `${name}${sep}${REDACTED}`;
}

export const NOT_SECRET = 0;
/** Every string under the name is a secret: `password`, `access_token`, `GITHUB_TOKEN`, `api_keys`. */
export const SECRET_NAME = 1;
/** A token count (`input_tokens`, `max_tokens`, `tokens`): numbers stay, token-like strings go. */
export const COUNT_NAME = 2;
export type NameKind = typeof NOT_SECRET | typeof SECRET_NAME | typeof COUNT_NAME;

// Last words that make a secret-sounding name a description of the secret, not the secret.
const DESCRIBES = new Set([
  "count",
  "usage",
  "path",
  "file",
  "id",
  "ids",
  "type",
  "name",
  "mode",
  "limit",
  "budget",
  "url",
  "uri",
  "source",
]);
// `<word>_token` names that are not credentials: pagination cursors and tokenizer specials.
const NOT_CREDENTIAL = new Set(["page", "continuation", "eos", "bos", "pad", "unk", "sep", "cls", "mask"]);
// The shell's working directory (PWD=/home/me), not a password.
const SHELL_DIRS = new Set(["pwd", "oldpwd"]);

/**
 * How a name that contains a secret word (SECRET_WORD) is read. Plural `tokens` is what Claude
 * Code and OTLP call their token counts; singular `token` is a credential.
 */
function nameKind(name: string): NameKind {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
  const last = words[words.length - 1] ?? "";
  if (DESCRIBES.has(last) || (words.length === 1 && SHELL_DIRS.has(last))) return NOT_SECRET;
  if (words.includes("tokens")) return COUNT_NAME;
  const i = words.lastIndexOf("token");
  if (i > 0 && NOT_CREDENTIAL.has(words[i - 1]!)) return NOT_SECRET;
  return SECRET_NAME;
}

/**
 * What an object key says about its value (payload-keys.ts asks once per key name and keeps the
 * answer). A secret name redacts every string beneath it, in arrays and nested objects too.
 */
export function secretKeyKind(key: string): NameKind {
  return SECRET_KEY_NAME.test(key) ? nameKind(key) : NOT_SECRET;
}

/**
 * What a token count holds: a number written as text ("1200", "12.5") or a short note ("~12k",
 * "n/a"). Credentials are longer than 8 characters and not plain numbers.
 */
export function isCountText(value: string): boolean {
  return value.length < 8 || /^[ \t]*[+-]?\d[\d,_]*(?:\.\d+)?(?:e[+-]?\d+)?[ \t]*$/i.test(value);
}
