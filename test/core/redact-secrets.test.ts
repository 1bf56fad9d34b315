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

describe("secret shapes beyond provider tokens", () => {
  const STRIPE = "4eC39HqLyjWDarjtT1zdp7dc";
  it.each([
    [`redis-cli -u redis://:${SECRET}@cache:6379`, "redis://:[REDACTED]@cache:6379"],
    [`DB_PASS=${SECRET}`, "DB_PASS=[REDACTED]"],
    [`SMTP_PASS="${SECRET}"`, 'SMTP_PASS="[REDACTED]"'],
    [`smtpPass: '${SECRET}'`, "smtpPass: '[REDACTED]'"],
    [`https://x/login?user=admin&pass=${SECRET}`, "&pass=[REDACTED]"],
    [`APP_KEY=base64:${SECRET}+AbC=`, "APP_KEY=[REDACTED]"],
    [`ENCRYPTION_KEY=${SECRET}\nMASTER_KEY=${SECRET}`, "ENCRYPTION_KEY=[REDACTED]\nMASTER_KEY=[REDACTED]"],
    [`export SENDGRID_KEY=${SECRET}`, "export SENDGRID_KEY=[REDACTED]"],
    [`encryption_key = "${SECRET}"`, 'encryption_key = "[REDACTED]"'],
    [`environment:\n  APP_KEY: ${SECRET}`, "APP_KEY: [REDACTED]"],
    [
      `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${SECRET}+/Ab==;EndpointSuffix=core.windows.net`,
      "AccountName=acct;AccountKey=[REDACTED];EndpointSuffix=core.windows.net",
    ],
    [`stripe sk_test_${STRIPE}`, "stripe [REDACTED]"],
    [`rk_live_${STRIPE}`, "[REDACTED]"],
    [`whsec_${STRIPE}`, "[REDACTED]"],
    ["SG.Sup3rS3cr3tValue123456.Sup3rS3cr3tValueAbCdEfGhIjKlMnOpQrStUvWxYz012", "[REDACTED]"],
    [`doctl auth init -t dop_v1_${"5f3e".repeat(16)}`, "-t [REDACTED]"],
    [`docker login -u ci -p ${SECRET} registry.example.com`, "docker login -u ci -p [REDACTED] registry.example.com"],
    [
      `podman login -p '${SECRET}' quay.io && docker run -p 8080:80 x`,
      "-p '[REDACTED]' quay.io && docker run -p 8080:80 x",
    ],
    [`sshpass -p ${SECRET} ssh -p 2222 deploy@host`, "sshpass -p [REDACTED] ssh -p 2222 deploy@host"],
    [`openssl enc -aes-256-cbc --pass ${SECRET} -in x`, "--pass [REDACTED] -in x"],
    [`aws configure set aws_secret_access_key ${SECRET}/K7MDENG`, "aws configure set aws_secret_access_key [REDACTED]"],
    [`aws configure set profile.ci.aws_session_token "${SECRET}"`, 'aws_session_token "[REDACTED]"'],
    [
      `[{"name":"API_KEY","value":"${SECRET}"},{"name":"PORT","value":"8080"}]`,
      '"value":"[REDACTED]"},{"name":"PORT","value":"8080"}',
    ],
    [`[{"Key": "DB_PASSWORD", "Value": "${SECRET}"}]`, '"Value": "[REDACTED]"'],
    [`env:\n- name: GITHUB_TOKEN\n  value: ${SECRET}\n`, "value: [REDACTED]\n"],
    [`{"key":"api_key","value":{"stringValue":"${SECRET}"}}`, '{"stringValue":"[REDACTED]"}'],
  ])("redacts %s", (input, expected) => {
    const out = redactString(input);
    expect(out).toContain(expected);
    expect(out).not.toMatch(/Sup3rS3cr3t|4eC39Hq|5f3e5f3e/);
  });

  it.each([
    "docker run -p 8080:80 -p 443:443 nginx",
    "docker login --password-stdin registry.example.com < pw.txt",
    "ssh -p 2222 host && scp -P 2222 a host:b",
    "sshpass -f ~/.pw ssh -p 22 host",
    "The password is in the vault; pass it on. You shall not pass: gandalf. Tests pass: 12345678",
    "passthrough=enabled bypass=everything SHOULD_PASS=true",
    "sort_key=created_at SORT_KEY=created_at PUBLIC_KEY=ssh-ed25519-AAAAC3 primary_key: user_id",
    'const STORAGE_KEY = "todos-vuejs"; cacheKey: userSession42; key=value1234; KEY=abcdef12; monkey=banana123',
    "STRIPE_PUBLISHABLE_KEY=pk_test_abcdefghijklmnop",
    "aws configure set region eu-west-1 && aws configure set default.output json",
    '[{"name":"PATH","value":"/usr/bin"},{"name":"token_type","value":"bearer"},{"name":"max_tokens","value":"4096"}]',
    "- name: DB_PASSWORD\n  valueFrom:\n    configMapKeyRef: {name: db}",
    "redis://cache:6379/0 http://localhost:8080/x",
    "Use --pass to give it, or --pass-through value",
    "the sg.example.com host; msg.foo; SG.short.x; do_v1_ok; whsec_ (empty)",
  ])("leaves ordinary text alone: %s", (text) => expect(redactString(text)).toBe(text));
});

describe("secrets in object keys and name/value lists", () => {
  it("redacts a token used as an object key, in copies and in place", () => {
    const ant = "sk-ant-api03-AbCdEfGhIjKlMnOp0123456789";
    const payload = () => ({ tool_input: { [`Bearer ${ant}`]: true, nested: { [ant]: { ok: 1 } } } });
    for (const inPlace of [false, true]) {
      const { value } = sanitizePayload(payload(), limits, undefined, inPlace);
      expect(value).toEqual({ tool_input: { "Bearer [REDACTED]": true, nested: { "[REDACTED]": { ok: 1 } } } });
    }
  });

  it("redacts the value of a pair whose name names a secret, and keeps the others", () => {
    const { value } = sanitizePayload(
      {
        tool_input: {
          env: [
            { name: "API_KEY", value: SECRET },
            { name: "PORT", value: "8080" },
            { name: "max_tokens", value: "4096" },
            { name: "DB_PASS", value: { nested: SECRET } },
          ],
          tags: [
            { Key: "AccountKey", Value: SECRET },
            { Key: "team", Value: "infra" },
          ],
        },
      },
      limits,
    );
    expect(value).toEqual({
      tool_input: {
        env: [
          { name: "API_KEY", value: "[REDACTED]" },
          { name: "PORT", value: "8080" },
          { name: "max_tokens", value: "4096" },
          { name: "DB_PASS", value: { nested: "[REDACTED]" } },
        ],
        tags: [
          { Key: "AccountKey", Value: "[REDACTED]" },
          { Key: "team", Value: "infra" },
        ],
      },
    });
  });

  it("reads `…_KEY` and `…_PASS` object keys as the text rule does", () => {
    const { value } = sanitizePayload(
      {
        tool_input: {
          env: { APP_KEY: SECRET, SMTP_PASS: SECRET, ENCRYPTION_KEY: SECRET },
          sort_key: "created_at",
          PUBLIC_KEY: "ssh-ed25519 AAAA",
          cacheKey: "user:42",
        },
      },
      limits,
    );
    expect(value).toEqual({
      tool_input: {
        env: { APP_KEY: "[REDACTED]", SMTP_PASS: "[REDACTED]", ENCRYPTION_KEY: "[REDACTED]" },
        sort_key: "created_at",
        PUBLIC_KEY: "ssh-ed25519 AAAA",
        cacheKey: "user:42",
      },
    });
  });
});
