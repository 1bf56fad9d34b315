/**
 * How the name a value is held under is read: a secret's name, a token count's, or neither. Used for
 * object keys (payload-keys.ts) and for names found in free text (redact.ts, redact-at-words.ts).
 */
import { SECRET_WORD } from "./redact-primitives.ts";

export const NOT_SECRET = 0;
/** Every string under the name is a secret: `password`, `access_token`, `GITHUB_TOKEN`, `api_keys`. */
export const SECRET_NAME = 1;
/** A token count (`input_tokens`, `max_tokens`, `tokens`): numbers stay, token-like strings go. */
export const COUNT_NAME = 2;
export type NameKind = typeof NOT_SECRET | typeof SECRET_NAME | typeof COUNT_NAME;

// Object keys (payload-keys.ts); in free text `auth` too (`AUTH=…`), but not `author`.
export const SECRET_KEY_NAME = new RegExp(SECRET_WORD, "i");
// Object keys whose last word may be a weak one, `pass` or `key` (weakNameKind decides).
const WEAK_KEY_NAME = /pass|key/i;

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
export function nameKind(name: string): NameKind {
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
export function weakNameKind(name: string, value: string, sep: string): NameKind {
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
