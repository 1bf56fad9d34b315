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
// Commands that take a password as an argument of their own. Each is found by its name (indexOf,
// see editAtWords: far cheaper than one more regex pass over a long text), then read from there.
// A value as FLAG_VALUE reads it; `-`, `<`, `>` start no password.
const ARG_VALUE = `(?![-<>])("[^"\\n]*"|'[^'\\n]*'|[^\\s"';|&<>]+)`;
// `sshpass -p PW ssh …`: only sshpass's own `-p` (the command it runs may take `-p PORT`).
const SSHPASS_P = new RegExp(`sshpass(?:[ \\t]+-v)?[ \\t]+-p[ \\t]*${ARG_VALUE}`, "y");
// `aws configure set aws_secret_access_key VALUE`: the name and the value are separate arguments.
const CONFIGURE_SET = new RegExp(`configure[ \\t]+set[ \\t]+([A-Za-z0-9_.-]{1,128})[ \\t]+${ARG_VALUE}`, "y");
// `docker login -p PW` (podman, nerdctl, … the same): after a registry client's `login`, up to the
// end of the shell command segment (as for MySQL), `-p` is the password; elsewhere it is a port
// (`docker run -p 8080:80`). The client is looked for in the 64 characters before `login`
// (`docker --config ~/.d login`).
const REGISTRY_CLIENT = /\b(?:docker|podman|nerdctl|buildah|skopeo|oras|helm|crane|regctl)\b[^\n;|&]*$/;
const SEGMENT_REST = /[^\n;|&]*/y;
const LOGIN_P = new RegExp(`((?<=\\s)-p[ \\t]*)${ARG_VALUE}`, "g");

// Words in a name that say its value is a secret: `KEY=value`, `key: value`, `"key": "value"`.
const SECRET_WORD =
  "api[_-]?key|secret|token|passw(?:or)?d|passphrase|pwd|access[_-]?key|private[_-]?key|credential|authorization|cookie";
// Object keys (payload-keys.ts); in free text `auth` too (`AUTH=…`), but not `author`.
const SECRET_KEY_NAME = new RegExp(SECRET_WORD, "i");
// A name is a maximal run of [A-Za-z0-9_.-]; the match starts only where a run starts and the
// lookahead looks for the word inside that one run, so `_token_token…` is scanned once, not once
// per `token` (which made the old pattern cubic). The quoted value is redacted whole.
const ASSIGNMENT_VALUE = `(?:"([^"\\n]+)"|'([^'\\n]+)'|(${atLeast("[^\\s\"',;&]", 4)}))`;
const ASSIGNMENT = new RegExp(
  `(?<![A-Za-z0-9_.-])(?=[A-Za-z0-9_.-]*?(?:${SECRET_WORD}|auth(?!or)))([A-Za-z0-9_.-]+)(["']?[ \\t]*[:=][ \\t]*)` +
    ASSIGNMENT_VALUE,
  "gi",
);
// Words that name a secret only at the end of a name, and then not always: `DB_PASS`, `APP_KEY`,
// `AccountKey` are secrets, `sort_key`, `PUBLIC_KEY`, `passthrough` are not (weakNameKind decides).
// Found from the word, which must end the name, by indexOf (one more word in ASSIGNMENT's lookahead
// made that pattern 2.5 times slower); the name is read back from it.
const WEAK_ASSIGNMENT = new RegExp(`(["']?[ \\t]*[:=][ \\t]*)${ASSIGNMENT_VALUE}`, "y");
const WEAK_KEY_NAME = /pass|key/i;

/**
 * Whether `:` or `=` follows at `i`, after an optional quote and blanks: the quick no for most
 * `key` and `pass` in text (`keyboard`, `pass the`), before the regex reads the value.
 */
function separatorAt(text: string, i: number): boolean {
  let c = text.charCodeAt(i);
  if (c === 34 || c === 39) c = text.charCodeAt(++i);
  while (c === 32 || c === 9) c = text.charCodeAt(++i);
  return c === 58 || c === 61;
}

/** [A-Za-z0-9_.-], the characters of a name. */
function isNameChar(c: number): boolean {
  return isWordChar(c) || c === 46 || c === 45;
}

/** [A-Za-z0-9_], what `\b` takes for a word character. */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

// A name/value pair whose name is a secret's: `{"name": "API_KEY", "value": "…"}` (Kubernetes and ECS
// env lists, AWS tags as Key/Value, OTLP attributes as JSON) and its YAML form (`- name: API_KEY` /
// `  value: …`). Read from after the word `name` or `key`, only for a name that may say secret (what
// secretKeyKind looks for: OTLP's own JSON is pairs throughout); every run before the value is
// bounded, so each attempt is short.
const PAIR = new RegExp(
  `(["']?[ \\t]*[:=][ \\t]*["']?)(?=[A-Za-z0-9_.-]{0,128}?(?:${SECRET_WORD}|pass|key))([A-Za-z0-9_.-]{1,128})` +
    `(["']?[ \\t]*(?:,[ \\t\\r\\n]{0,64}|\\r?\\n[ \\t]{0,64})["']?value["']?[ \\t]*[:=][ \\t]*(?:\\{[ \\t]*"stringValue"[ \\t]*:[ \\t]*)?)` +
    `("[^"\\n]*"|'[^'\\n]*'|[^\\s"',{}[\\]][^\\n"',}\\]]*)`,
  "iy",
);
// The words the last passes start from: commands, and names that end in `pass` or `key` or begin a pair.
const COMMAND_WORDS = ["sshpass", "configure", "login"];
const NAME_WORDS = ["name", "Name", "NAME", "key", "Key", "KEY", "pass", "Pass", "PASS"];

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

/** An edit of a text: the characters [start, end) become `text`. */
type Edit = { start: number; end: number; text: string };

/**
 * `text` with the edits `at` makes where one of `words` occurs, in order of position; an edit must
 * start at or after the word and the search goes on past its end (an empty edit just skips ahead).
 * indexOf finds a word in a long text many times faster than a regex pass finds anything.
 */
function editAtWords(
  text: string,
  words: readonly string[],
  at: (text: string, i: number, word: string) => Edit | null,
): string {
  let first = 0;
  while (first < words.length && !text.includes(words[first]!)) first++;
  if (first === words.length) return text;
  const next = words.map((w, j) => (j < first ? -1 : text.indexOf(w)));
  let out = "";
  let done = 0;
  for (;;) {
    let k = -1;
    for (let j = 0; j < next.length; j++) if (next[j]! !== -1 && (k === -1 || next[j]! < next[k]!)) k = j;
    if (k === -1) break;
    const i = next[k]!;
    const edit = at(text, i, words[k]!);
    if (edit) {
      out += text.slice(done, edit.start) + edit.text;
      done = edit.end;
    }
    const from = Math.max(done, i + 1);
    for (let j = 0; j < next.length; j++)
      if (next[j]! !== -1 && next[j]! < from) next[j] = text.indexOf(words[j]!, from);
  }
  return done === 0 && out === "" ? text : out + text.slice(done);
}

/** Whether the word at `i` starts a word (`sshpass`, not `mysshpass`). */
function startsWord(text: string, i: number): boolean {
  return i === 0 || !isWordChar(text.charCodeAt(i - 1));
}

/** The match of sticky `re` at `i`, or null. */
function execAt(re: RegExp, text: string, i: number): RegExpExecArray | null {
  re.lastIndex = i;
  return re.exec(text);
}

/** An edit that redacts the last group of `m`, the value, keeping its quotes. */
function valueEdit(m: RegExpExecArray, value: string): Edit {
  const end = m.index + m[0].length;
  return { start: end - value.length, end, text: redactedAs(value) };
}

function commandAt(text: string, i: number, word: string): Edit | null {
  if (!startsWord(text, i)) return null;
  return word === "sshpass"
    ? sshpassAt(text, i)
    : word === "configure"
      ? configureSetAt(text, i)
      : registryLoginAt(text, i);
}

function nameAt(text: string, i: number, word: string): Edit | null {
  // Both readings start with a separator after the word: the quick no for `keyboard`, `pass the`.
  if (!separatorAt(text, i + word.length)) return null;
  const w = word.length === 4 ? word.toLowerCase() : "key";
  if (w !== "pass") {
    const edit = pairAt(text, i, word);
    if (edit || w === "name") return edit;
  }
  return weakAssignmentAt(text, i, word);
}

function pairAt(text: string, i: number, word: string): Edit | null {
  const m = startsWord(text, i) ? execAt(PAIR, text, i + word.length) : null;
  if (!m) return null;
  const value = m[4]!;
  if (secretValue(m[2]!, unquote(value).trim())) return valueEdit(m, value);
  // As for a weak assignment: past a bare value that stays; a quoted one may hold `DB_PASS=…`.
  const end = m.index + m[0].length;
  return value[0] === '"' || value[0] === "'" ? null : { start: end, end, text: "" };
}

function sshpassAt(text: string, i: number): Edit | null {
  const m = execAt(SSHPASS_P, text, i);
  return m && !PROSE_AFTER_FLAG.test(m[1]!) ? valueEdit(m, m[1]!) : null;
}

function configureSetAt(text: string, i: number): Edit | null {
  const m = execAt(CONFIGURE_SET, text, i);
  return m && secretValue(m[1]!, unquote(m[2]!)) ? valueEdit(m, m[2]!) : null;
}

function registryLoginAt(text: string, i: number): Edit | null {
  const after = i + 5;
  if (isWordChar(text.charCodeAt(after))) return null;
  if (!REGISTRY_CLIENT.test(text.slice(Math.max(0, i - 64), i))) return null;
  // The rest of the command segment is read once: no later `login` in it is looked at again.
  const rest = execAt(SEGMENT_REST, text, after)![0];
  return { start: after, end: after + rest.length, text: rest.replace(LOGIN_P, redactFlag) };
}

function weakAssignmentAt(text: string, i: number, word: string): Edit | null {
  const m = execAt(WEAK_ASSIGNMENT, text, i + word.length);
  if (!m) return null;
  const [, sep, dq, sq, bare] = m;
  const value = dq ?? sq ?? bare ?? "";
  const end = m.index + m[0].length;
  // A value that stays: search on past it if it is bare (`a_key=xkey=xkey…` would otherwise be read
  // once per `key`); a quoted one ends at the next quote, and may hold `DB_PASS=…` itself.
  const keep = bare === undefined ? null : { start: end, end, text: "" };
  if (value.startsWith(REDACTED)) return keep;
  // The name ends at the word: read it back to where its run starts. A run is read once, by the
  // one match that ends it (the separator after it is no name character).
  let start = i;
  while (start > 0 && isNameChar(text.charCodeAt(start - 1))) start--;
  // `key` alone (`"key": "session.id"`, OTLP's JSON throughout) is never a secret's name.
  if (start === i && word.length === 3) return keep;
  const name = text.slice(start, i + word.length);
  // Names with a strong secret word were ASSIGNMENT's to redact (or to keep).
  if (SECRET_KEY_NAME.test(name) || AUTH.test(name) || weakNameKind(name, value, sep!) === NOT_SECRET) return keep;
  const q = dq !== undefined ? '"' : sq !== undefined ? "'" : "";
  return { start: i + word.length + sep!.length, end, text: `${q}${REDACTED}${q}` };
}

function unquote(value: string): string {
  return value[0] === '"' || value[0] === "'" ? value.slice(1, -1) : value;
}

/** `[REDACTED]` in the quotes the value had. */
function redactedAs(value: string): string {
  const q = value[0] === '"' || value[0] === "'" ? value[0] : "";
  return `${q}${REDACTED}${q}`;
}

/** Whether `value`, held under `name`, is to be redacted (the rule object keys follow). */
function secretValue(name: string, value: string): boolean {
  if (value === "" || value.startsWith(REDACTED)) return false;
  const kind = secretKeyKind(name);
  return kind === SECRET_NAME || (kind === COUNT_NAME && !isCountText(value));
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
  return `${flag}${redactedAs(value)}`;
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
  if (SECRET_KEY_NAME.test(key)) return nameKind(key);
  return WEAK_KEY_NAME.test(key) ? weakNameKind(key, "", "") : NOT_SECRET;
}

// In free text only: `AUTH=…`, not `author`.
const AUTH = /auth(?!or)/i;

// Words before a last `key` that say what it opens, in any case: `encryption_key`, `AccountKey`.
const KEY_OF = new Set(["encryption", "decryption", "master", "signing", "hmac", "jwt", "app", "account", "license"]);
// Words that make an upper-case `…_KEY` a name for something public or a lookup: `PUBLIC_KEY`, `SORT_KEY`.
const KEY_NOT_SECRET = new Set([
  "public",
  "pub",
  "publishable",
  "primary",
  "foreign",
  "sort",
  "partition",
  "range",
  "hash",
  "shard",
  "routing",
  "cache",
  "idempotency",
  "dedup",
  "dedupe",
  "lookup",
  "object",
  "s3",
  "row",
  "index",
  "group",
  "map",
  "unique",
  "composite",
  "hot",
  "short",
  "registry",
  "i18n",
  "translation",
]);
// Values of a `…_PASS` name that are switches, not passwords (`SHOULD_PASS=true`).
const SWITCH_VALUE = /^(?:true|false|yes|no|on|off|null|none|undefined)$/i;

/**
 * Names whose last word is `pass` or `key`, which say less than `password` or `api_key`: `DB_PASS`,
 * `SMTP_PASS`, `AccountKey`, `encryption_key` are secrets; a `…_KEY` is one when written as an
 * environment variable (`APP_KEY`, `MASTER_KEY`, `SENDGRID_KEY`: upper case, two words or more) and
 * not a key of something public or a lookup (`PUBLIC_KEY`, `SORT_KEY`); `sort_key`, `cacheKey`,
 * `key`, `passthrough`, `bypass` are not. In text (`sep` is what joins name and value): a lone
 * `pass:` is prose ("tests pass: 12") where `pass=` is a parameter, and an upper-case `…_KEY` is
 * an environment variable in `APP_KEY=…` or `APP_KEY: …`, but in `STORAGE_KEY = "todos"` a constant
 * in code, which names a storage slot, an event or a query far more often than a secret.
 */
function weakNameKind(name: string, value: string, sep: string): NameKind {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
  const last = words[words.length - 1];
  if (last === "pass") {
    return SWITCH_VALUE.test(value) || (words.length === 1 && sep.includes(":")) ? NOT_SECRET : SECRET_NAME;
  }
  if (last !== "key" || words.length < 2) return NOT_SECRET;
  if (KEY_OF.has(words[words.length - 2]!)) return SECRET_NAME;
  const envStyle = !/[a-z]/.test(name) && !/[ \t]=|=[ \t]/.test(sep);
  return envStyle && !words.some((w) => KEY_NOT_SECRET.has(w)) ? SECRET_NAME : NOT_SECRET;
}

/**
 * What a token count holds: a number written as text ("1200", "12.5") or a short note ("~12k",
 * "n/a"). Credentials are longer than 8 characters and not plain numbers.
 */
export function isCountText(value: string): boolean {
  return value.length < 8 || /^[ \t]*[+-]?\d[\d,_]*(?:\.\d+)?(?:e[+-]?\d+)?[ \t]*$/i.test(value);
}
