import { describe, expect, it } from "vitest";
import { REDACTED, redactString } from "../../src/ingest/redact.ts";

/**
 * Redaction must take linear time on any input: it runs on whole strings before they are cut to
 * `limits.stringChars`, so one 1 MiB body is enough to stall ingest on a super-linear pattern.
 *
 * These tests hold no clock. Each adversarial input is 1 MiB, a size where the super-linear
 * patterns this suite guards against need hours to years (the old `ASSIGNMENT` took 6.8 s on
 * 9,600 characters of `_token` and is cubic; `URL_PASSWORD` took 5 s on 80,000 of `a.`, quadratic),
 * while linear ones need milliseconds. Pass or fail therefore does not depend on machine speed;
 * vitest's test timeout is only the backstop that turns a regression into a failure rather than
 * a hang. Each case also checks the output, so a "fast" answer must still be the right one.
 */
const MIB = 1 << 20;

function fill(unit: string, prefix = "", suffix = "", size = MIB): string {
  return prefix + unit.repeat(Math.ceil((size - prefix.length - suffix.length) / unit.length)) + suffix;
}

// [name, input, what the output must satisfy]
const adversarial: Array<[string, string, (out: string) => boolean]> = [
  // The inputs from the audit, at their measured sizes and at 1 MiB.
  ["_token × 1,600", "_token".repeat(1600), (o) => o === "_token".repeat(1600)],
  [".secret × 2,000", ".secret".repeat(2000), (o) => o === ".secret".repeat(2000)],
  ["key a.a.a… (80 kB)", "key " + "a.".repeat(40000), (o) => o.startsWith("key a.a.")],
  ["_token (1 MiB)", fill("_token"), (o) => o.length >= MIB],
  [".secret (1 MiB)", fill(".secret"), (o) => o.length >= MIB],
  ["key a.a.a… (1 MiB)", fill("a.", "key "), (o) => o.length >= MIB],
  // A secret name far from its `=`: found once, the value still redacted.
  ["_token…=value", fill("_token", "", "=s3cr3tvalue"), (o) => o.endsWith(`=${REDACTED}`)],
  ["password= repeated", fill("password="), (o) => o.includes(REDACTED)],
  ["token_type= repeated", fill("token_type="), (o) => o.startsWith("token_type=")],
  ['password: " unclosed', fill('password: "x\n'), (o) => o.length >= MIB],
  ["eyJ- (JWT-like runs)", fill("eyJ-"), (o) => o.startsWith("eyJ-eyJ-")],
  ["scheme://user: repeated", fill("a://b:"), (o) => o.startsWith("a://b:")],
  ["one URL, long userinfo", fill("a:", "x://"), (o) => o.startsWith("x://a:a:")],
  ["Bearer repeated", fill("Bearer "), (o) => o.startsWith("Bearer Bearer")],
  ["Token + whitespace", fill(" ", "Token"), (o) => o.startsWith("Token ")],
  ["cookie: repeated", fill("cookie: "), (o) => o.includes(REDACTED)],
  ["--password repeated", fill("--password x1 "), (o) => o.startsWith(`--password ${REDACTED} --password`)],
  ["--a-a-a… flag name", fill("a-", "--", "token x"), (o) => o.startsWith("--a-a-")],
  ["curl -u repeated", fill("-u a:", "curl "), (o) => o.includes(REDACTED)],
  ["mysql repeated", fill("mysql "), (o) => o.startsWith("mysql mysql")],
  ["mysql -p repeated", fill(" -p", "mysql"), (o) => o.startsWith("mysql -p")],
  ["private key, no END", fill("A", "-----BEGIN "), (o) => o.startsWith("-----BEGIN AAAA")],
  ["private key, many bad ENDs", fill("-----END A", "-----BEGIN RSA PRIVATE KEY-----"), (o) => o === REDACTED],
  ["_sk- runs", fill("_sk-a"), (o) => o.startsWith(`_${REDACTED}`)],
  ["ghp_ just too short", fill("_ghp_aaaaaaaaaaaaaaaaaaa"), (o) => o.startsWith("_ghp_a")],
  ["prose full of markers", fill("the secret token is a password key "), (o) => o.startsWith("the secret")],
  // Patterns added for .env names, name/value pairs, registry logins, sshpass, aws configure.
  ["_PASS= repeated", fill("A_PASS="), (o) => o.includes(REDACTED)],
  ["_key_key… name", fill("_KEY", "", "=s3cr3tvalue"), (o) => o.endsWith(`=${REDACTED}`)],
  ["name: value, repeated", fill('"name": "API_KEY", "value": "x'), (o) => o.includes(`"value": "${REDACTED}"`)],
  ["name/value, value unclosed", fill("x", '"name":"API_KEY","value":"'), (o) => o.length >= MIB],
  ["name + spaces", fill(" ", "name"), (o) => o.startsWith("name ")],
  ["value + name repeated", fill("name=API_KEY\nvalue "), (o) => o.startsWith("name=API_KEY")],
  ["login repeated", fill("docker login ", "", " -p x1"), (o) => o.endsWith(`-p ${REDACTED}`)],
  ["login -p repeated", fill(" -p", "docker login"), (o) => o.startsWith("docker login -p")],
  ["sshpass repeated", fill("sshpass "), (o) => o.startsWith("sshpass sshpass")],
  ['sshpass -p " repeated', fill('sshpass -p "x '), (o) => o.startsWith(`sshpass -p "${REDACTED}"`)],
  ['sshpass -p " unclosed', fill("x ", 'sshpass -p "'), (o) => o.length >= MIB],
  ["configure set repeated", fill("configure set "), (o) => o.startsWith("configure set configure")],
  ["SG. runs", fill("_SG.aaaaaaaaaaaaaaaa."), (o) => o.length > 0],
  ["redis://: repeated", fill("a://:"), (o) => o.startsWith("a://:")],
  ["xkey=xkey=… one bare value", fill("xkey=", "a_"), (o) => o.startsWith("a_xkey=xkey=")],
  ['key="…" repeated', fill('a_key="x '), (o) => o.startsWith('a_key="x a_key=')],
  ["KEY name run", fill("A_", "", "KEY=s3cr3tvalue"), (o) => o.endsWith(`KEY=${REDACTED}`)],
  ["login login…", fill("login ", "docker "), (o) => o.startsWith("docker login login")],
  ["configure set, long names", fill("configure set a ", ""), (o) => o.startsWith("configure set a")],
];

describe("redaction takes linear time", () => {
  it.each(adversarial)("%s", (_name, input, check) => {
    expect(check(redactString(input))).toBe(true);
  });

  it("handles runs far past the body limit without overflowing the regex backtrack stack", () => {
    // V8 keeps one backtrack entry per character for `x{n,}` and throws past ~8M of them.
    const run = "a".repeat(1 << 24);
    expect(redactString(`sk-${run}`)).toBe(REDACTED);
    expect(redactString(`password=${run}`)).toBe(`password=${REDACTED}`);
    expect(redactString(`eyJ${run}`)).toBe(`eyJ${run}`);
  });
});
