/**
 * The last passes of redactString (redact.ts): edits found from a word by indexOf, far cheaper than
 * one more regex pass over a long text. Commands that take a password as an argument (`sshpass`,
 * `aws configure set`, `docker login`) and names that end in `pass` or `key` or begin a name/value
 * pair. The patterns here follow redact.ts's rule for linear time; most are sticky, tried at one place.
 */
import {
  ASSIGNMENT_VALUE,
  isNameChar,
  isWordChar,
  PROSE_AFTER_FLAG,
  REDACTED,
  redactedAs,
  redactFlag,
  SECRET_WORD,
  separatorAt,
} from "./redact-primitives.ts";
import {
  COUNT_NAME,
  isCountText,
  NOT_SECRET,
  SECRET_KEY_NAME,
  SECRET_NAME,
  secretKeyKind,
  weakNameKind,
} from "./secret-names.ts";

// Commands that take a password as an argument of their own. Each is found by its name (indexOf,
// see editAtWords: far cheaper than one more regex pass over a long text), then read from there.
// A value as FLAG_VALUE (redact.ts) reads it; `-`, `<`, `>` start no password.
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

// Words that name a secret only at the end of a name, and then not always: `DB_PASS`, `APP_KEY`,
// `AccountKey` are secrets, `sort_key`, `PUBLIC_KEY`, `passthrough` are not (weakNameKind decides).
// Found from the word, which must end the name, by indexOf (one more word in ASSIGNMENT's lookahead
// made that pattern 2.5 times slower); the name is read back from it.
const WEAK_ASSIGNMENT = new RegExp(`(["']?[ \\t]*[:=][ \\t]*)${ASSIGNMENT_VALUE}`, "y");
// In free text only: `AUTH=…`, not `author`.
const AUTH = /auth(?!or)/i;

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
export const COMMAND_WORDS = ["sshpass", "configure", "login"];
export const NAME_WORDS = ["name", "Name", "NAME", "key", "Key", "KEY", "pass", "Pass", "PASS"];

/** An edit of a text: the characters [start, end) become `text`. */
export type Edit = { start: number; end: number; text: string };

/**
 * `text` with the edits `at` makes where one of `words` occurs, in order of position; an edit must
 * start at or after the word and the search goes on past its end (an empty edit just skips ahead).
 * indexOf finds a word in a long text many times faster than a regex pass finds anything.
 */
export function editAtWords(
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

export function commandAt(text: string, i: number, word: string): Edit | null {
  if (!startsWord(text, i)) return null;
  return word === "sshpass"
    ? sshpassAt(text, i)
    : word === "configure"
      ? configureSetAt(text, i)
      : registryLoginAt(text, i);
}

export function nameAt(text: string, i: number, word: string): Edit | null {
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

/** Whether `value`, held under `name`, is to be redacted (the rule object keys follow). */
function secretValue(name: string, value: string): boolean {
  if (value === "" || value.startsWith(REDACTED)) return false;
  const kind = secretKeyKind(name);
  return kind === SECRET_NAME || (kind === COUNT_NAME && !isCountText(value));
}
