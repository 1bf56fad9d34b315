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
import { COMMAND_WORDS, commandAt, editAtWords, NAME_WORDS, nameAt } from "./redact-at-words.ts";
import { ASSIGNMENT_VALUE, atLeast, REDACTED, redactFlag, SECRET_WORD } from "./redact-primitives.ts";
import { COUNT_NAME, isCountText, NOT_SECRET, nameKind } from "./secret-names.ts";

// The module's public names, wherever they live: importers of redact.ts need not know the split.
export { REDACTED } from "./redact-primitives.ts";
export { COUNT_NAME, isCountText, type NameKind, NOT_SECRET, SECRET_NAME, secretKeyKind } from "./secret-names.ts";

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
      // Stripe secret and restricted keys, live and test (test keys still reach the account's data)
      `(?:(?:sk|rk|pk)_live|(?:sk|rk)_test)_${atLeast("[A-Za-z0-9]", 16)}`,
      `hf_${atLeast("[A-Za-z0-9]", 30)}`, // Hugging Face
    ].join("|") +
    ")",
  "g",
);
// Rarer shapes, in a pass of their own that runs only when `includes` finds their prefix: each first
// character in TOKENS (here `w`, `S`, `d`) makes that pass try more places in ordinary text.
const RARE_TOKENS = new RegExp(
  "(?<![A-Za-z0-9])(?:" +
    [
      `whsec_${atLeast("[A-Za-z0-9]", 16)}`, // Stripe webhook signing secret
      `SG\\.[A-Za-z0-9_-]{16,32}\\.${atLeast("[A-Za-z0-9_-]", 16)}`, // SendGrid
      `do[opr]_v1_${atLeast("[A-Za-z0-9]", 16)}`, // DigitalOcean personal, OAuth and refresh tokens
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
// scheme://user:password@host, also with no user (`redis://:password@host`). Anchored on `://` with
// one scheme character before it: the rest of the scheme is kept as it is anyway, and matching it
// whole is what made `a.a.a…` quadratic.
const URL_PASSWORD = /([a-z0-9+.-]:\/\/[^\s:/@]*:)[^\s@/]+@/gi;
// `Cookie: a=b; c=d` / `Set-Cookie: …` header lines: the whole value is the session.
const COOKIE_HEADER = /(?<![A-Za-z0-9-])((?:set-)?cookie[ \t]*:[ \t]*)[^\s"'=;]+=[^\n"']*/gi;
// `--password value`, `--api-key value`, `--github-token value` (the `=` form is an assignment).
const FLAG_VALUE =
  /(?<![A-Za-z0-9_-])(--?(?!no-)(?:[A-Za-z0-9]+[-_]){0,8}(?:passw(?:or)?d|pass|passphrase|token|secret|(?:api|access|secret|private)[-_]?key|cookie)[ \t]+)(?![-<>])("[^"\n]*"|'[^'\n]*'|[^\s"';|&<>]+)/gi;
// curl's `-u user:password` / `--user user:password`; `-u` means other things elsewhere (docker's
// uid:gid, sort's unique), so this only runs on text that mentions curl.
const CURL_USER = /((?<![A-Za-z0-9_-])(?:-[uU][ \t]*|--(?:proxy-)?user(?:[ \t]+|=))["']?[^\s:"'@]+:)[^\s"']+/g;
// A shell command segment (between newlines, `;`, `|` and `&`) that runs a MySQL/MariaDB client,
// where `-pSECRET` is the password glued to its flag. Elsewhere `-p` is `mkdir -p`, `git log -p`,
// `ssh -p2222`, so `-p…` is only redacted inside such a segment. The lookbehind starts a match only
// at a segment's start, so each segment is scanned once.
const MYSQL_SEGMENT = /(?<![^\n;|&])[^\n;|&]*\b(?:mysql|mariadb)[^\n;|&]*/g;
const MYSQL_P = /(?<=\s)-p(?:"[^"\n]*"|'[^'\n]*'|[^\s"'][^\s]*)/g;

// A name is a maximal run of [A-Za-z0-9_.-]; the match starts only where a run starts and the
// lookahead looks for the word inside that one run, so `_token_token…` is scanned once, not once
// per `token` (which made the old pattern cubic). The quoted value is redacted whole.
const ASSIGNMENT = new RegExp(
  `(?<![A-Za-z0-9_.-])(?=[A-Za-z0-9_.-]*?(?:${SECRET_WORD}|auth(?!or)))([A-Za-z0-9_.-]+)(["']?[ \\t]*[:=][ \\t]*)` +
    ASSIGNMENT_VALUE,
  "gi",
);

// Cheap pre-check: most strings (paths, ids, short text) hold none of these markers. It is most of
// the time redaction takes, so the markers are grouped by first letter: V8 then tries one branch
// per position instead of every marker (a quarter faster than the flat list on real payloads), and
// a new marker goes under a letter already there where it can (`whsec_` as `hsec_`).
const MAYBE_SECRET =
  /a(?:kia|iza|uth|sia)|b(?:earer|asic)|c(?:red|ookie|url)|eyj|g(?:h[pousr]_|ithub_pat|lpat)|h(?:f_|ooks\.slack|sec_)|k(?:ey|_test_)|login|m(?:ysql|ariadb)|npm_|p(?:ass|wd|rivate)|s(?:k-|ecret|g\.)|token|x(?:ox|app)|_(?:live|v1)_|:\/\//i;

export function redactString(text: string): string {
  // Nothing under 8 characters can hold a key, a token or `name=value` with a real value.
  if (text.length < 8 || !MAYBE_SECRET.test(text)) return text;
  let out = text.replace(TOKENS, REDACTED).replace(JWT, REDACTED);
  if (out.includes("whsec_") || out.includes("SG.") || out.includes("_v1_")) out = out.replace(RARE_TOKENS, REDACTED);
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
  out = editAtWords(out, COMMAND_WORDS, commandAt);
  out = out.replace(ASSIGNMENT, redactAssignment);
  return editAtWords(out, NAME_WORDS, nameAt);
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
