import { describe, expect, it } from "vitest";
import { redactString, sanitizePayload } from "../../src/ingest/mod.ts";

const limits = { eventBytes: 10 * 1024, stringChars: 4096 };
const SECRET = "Sup3rS3cr3tValue";

describe("secrets inside strings", () => {
  it.each([
    [`mysql --password ${SECRET} -h db`, "mysql --password [REDACTED] -h db"],
    [`mysql --password "${SECRET}" -h db`, 'mysql --password "[REDACTED]" -h db'],
    [`./deploy --github-token ${SECRET}`, "./deploy --github-token [REDACTED]"],
    [`curl -u admin:${SECRET} https://api.example.com`, "curl -u admin:[REDACTED] https://api.example.com"],
    [`curl --user 'admin:${SECRET}' https://x`, "curl --user 'admin:[REDACTED]' https://x"],
    [`mysql -h db -u root -p${SECRET} shop`, "mysql -h db -u root -p[REDACTED] shop"],
    [`mkdir -p out && mysqldump -uroot -p'${SECRET}' shop > out/x.sql`, "mysqldump -uroot -p[REDACTED] shop"],
    [`-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQdGBF${SECRET}\n-----END PGP PRIVATE KEY BLOCK-----`, "[REDACTED]"],
    ["aws sts: ASIAY34FZKBOKMUTVV7A", "aws sts: [REDACTED]"],
    ["SLACK_APP_TOKEN xapp-1-A0123ABCD-1234567890123-0123456789abcdef", "SLACK_APP_TOKEN [REDACTED]"],
    [
      "curl -X POST https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX -d '{}'",
      "https://hooks.slack.com/services/[REDACTED] -d",
    ],
    ["huggingface-cli login --token hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567", "--token [REDACTED]"],
    ["HF hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567 here", "HF [REDACTED] here"],
    [`curl -H 'Cookie: session=${SECRET}; theme=dark' https://x`, "-H 'Cookie: [REDACTED]' https://x"],
    [`cookie: session=${SECRET}`, "cookie: [REDACTED]"],
    ["x_ghp_0123456789abcdefghijABCDEFGHIJ012345", "x_[REDACTED]"],
    [`export GITHUB_TOKEN=${SECRET}`, "export GITHUB_TOKEN=[REDACTED]"],
    [`refresh_token: "${SECRET}"`, 'refresh_token: "[REDACTED]"'],
    [`https://app.example.com/cb?access_token=${SECRET}&state=xyz`, "access_token=[REDACTED]&state=xyz"],
    ["Authorization: Bearer abcdefghijklmnopq", "Authorization: Bearer [REDACTED]"],
    ["Authorization: Basic dXNlcjpwdw==", "Authorization: Basic [REDACTED]"],
  ])("redacts %s", (input, expected) => {
    const out = redactString(input);
    expect(out).toContain(expected);
    expect(out).not.toMatch(/Sup3rS3cr3t|ASIAY34|xapp-1|XXXXXXXX|hf_AbCd|ghp_0123|dXNlcjpwdw|abcdefghijklmnopq/);
  });

  it.each([
    "mkdir -p foo && git log -p -3 && ssh -p2222 host",
    "cp -pr src dst; mysql -h db shop < dump.sql",
    "/home/me/project/src/ingest/redact.ts",
    "git show 3f2a9c8b1d0e4f5a6b7c8d9e0f1a2b3c4d5e6f7a",
    "session 49d06c98-aa42-444f-a8a6-08ed5d7724c8, tool toolu_01ABCdefGHIjklMNOpqrSTUvwx",
    "This is a basic explanation of token expiration and password rules.",
    "Author: Jane Doe <jane@example.com>",
    "Pass the --token flag or the --password option; see --token-file too.",
    "gh auth login --with-token < token.txt && docker login --password-stdin",
    "PWD=/home/me/project OLDPWD=/tmp",
    "<usage>subagent_tokens: 9717\ntool_uses: 2</usage>",
    "max_tokens=4096 input_tokens: 12 total tokens: ~12k",
    "docker run -u 1000:1000 image",
    "git push -u origin main",
    "token_count: 12345, token_type: bearer, nextPageToken: CAESBggDEOgH",
  ])("leaves ordinary text alone: %s", (text) => expect(redactString(text)).toBe(text));
});

describe("secret-named keys", () => {
  it("redacts credential-named *_token keys but keeps token counts", () => {
    const names = ["access_token", "refresh_token", "auth_token", "api_token", "session_token", "github_token"];
    const input: Record<string, unknown> = { GITHUB_TOKEN: SECRET, accessToken: SECRET };
    for (const n of names) input[n] = SECRET;
    const counts = {
      input_tokens: 5,
      output_tokens: "12",
      cache_read_input_tokens: 3,
      cache_creation_input_tokens: 0,
      max_tokens: 1000,
      total_tokens: "1,200",
      tokens: 4,
      inputTokens: 7,
      token_count: "12",
      token_usage: { input: 1 },
    };
    const { value } = sanitizePayload({ tool_input: { ...input, ...counts } }, limits);
    const out = (value as { tool_input: Record<string, unknown> }).tool_input;
    for (const k of Object.keys(input)) expect(out[k], k).toBe("[REDACTED]");
    expect(out).toMatchObject(counts);
  });

  it("redacts every string leaf beneath a secret-named array or object", () => {
    const { value } = sanitizePayload(
      {
        tool_input: {
          passwords: ["hunter22", "letmein", 3],
          api_keys: ["k-123456789"],
          credentials: { pw: "hunter22", user: "alice", retries: 2, nested: [{ x: "y" }] },
          api_tokens: ["abcdef0123456789", "1200"],
          usage: { input_tokens: 3, output_tokens: "4" },
        },
      },
      limits,
    );
    expect(value).toEqual({
      tool_input: {
        passwords: ["[REDACTED]", "[REDACTED]", 3],
        api_keys: ["[REDACTED]"],
        credentials: { pw: "[REDACTED]", user: "[REDACTED]", retries: 2, nested: [{ x: "[REDACTED]" }] },
        api_tokens: ["[REDACTED]", "1200"],
        usage: { input_tokens: 3, output_tokens: "4" },
      },
    });
  });

  it("does not let a count name beneath a secret name keep a numeric secret", () => {
    const { value } = sanitizePayload({ tool_input: { password: { max_tokens: "12345678" } } }, limits);
    expect(value).toEqual({ tool_input: { password: { max_tokens: "[REDACTED]" } } });
  });

  it("keeps descriptive names and the shell's working directory", () => {
    const payload = {
      tool_input: {
        password_file: "/run/secrets/db",
        token_type: "bearer",
        PWD: "/home/me",
        secret_name: "prod-db",
        apiKeySource: "ANTHROPIC_API_KEY",
      },
    };
    expect(sanitizePayload(payload, limits).value).toEqual(payload);
  });
});
