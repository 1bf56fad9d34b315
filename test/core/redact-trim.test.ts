import { describe, expect, it } from "vitest";
import { redactString, sanitizePayload } from "../../src/ingest/mod.ts";

const limits = { eventBytes: 10 * 1024, stringChars: 4096 };

describe("redaction", () => {
  it.each([
    ["curl -H 'Authorization: Bearer abcdef0123456789xyz' https://x", "Bearer [REDACTED]"],
    ["export ANTHROPIC_API_KEY=sk-ant-api03-AbCdEf0123456789", "[REDACTED]"],
    ["git clone https://user:hunter2secret@github.com/x/y", "https://user:[REDACTED]@github.com"],
    ["GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345 npm publish", "GITHUB_TOKEN=[REDACTED]"],
    ["aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE", "[REDACTED]"],
    ['{"password": "correct horse battery"}', '"password": "[REDACTED]'],
    ["DB_PASSWORD='s3cr3t-value' ./run", "DB_PASSWORD='[REDACTED]"],
    ["-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----", "[REDACTED]"],
  ])("redacts %s", (input, expected) => {
    const out = redactString(input);
    expect(out).toContain(expected);
    expect(out).not.toMatch(
      /hunter2secret|sk-ant-api03-AbCd|ghp_0123|AKIAIOSFODNN7EXAMPLE|horse battery|s3cr3t-value|b3BlbnNzaC1rZXk/,
    );
  });

  it.each(["ls -la /tmp", "npm test", "cat README.md", "tokens used: 1200", "echo hello-from-harness"])(
    "leaves ordinary text alone: %s",
    (text) => expect(redactString(text)).toBe(text),
  );

  it("redacts values under secret-looking keys but not token counts", () => {
    const { value } = sanitizePayload(
      { tool_input: { api_key: "abc123", input_tokens: 5, token_count: "12" } },
      limits,
    );
    expect(value).toEqual({ tool_input: { api_key: "[REDACTED]", input_tokens: 5, token_count: "12" } });
  });
});

describe("trimming", () => {
  it("keeps small payloads as they are", () => {
    const payload = { session_id: "s", hook_event_name: "Stop", n: 1 };
    const out = sanitizePayload(payload, limits);
    expect(out.value).toEqual(payload);
    expect(out.trimmed).toEqual([]);
    expect(out.bytes).toBe(JSON.stringify(payload).length);
  });

  it("cuts the largest fields to fit the event budget and records size and hash", () => {
    const big = "x".repeat(200_000);
    const out = sanitizePayload(
      { session_id: "s", hook_event_name: "PostToolUse", tool_input: { content: big }, tool_response: { stdout: big } },
      limits,
    );
    expect(out.bytes).toBeLessThanOrEqual(limits.eventBytes);
    const v = out.value as { session_id: string; tool_input: { content: string } };
    expect(v.session_id).toBe("s");
    expect(v.tool_input.content).toMatch(/^x+… \[trimmed: 200000 bytes\]$/);
    expect(out.trimmed.map((t) => t.path).sort()).toEqual(["tool_input.content", "tool_response.stdout"]);
    expect(out.trimmed[0]!.originalBytes).toBe(200_000);
    expect(out.trimmed[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("replaces subtrees when many small parts exceed the budget", () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({ i }));
    const out = sanitizePayload({ session_id: "s", hook_event_name: "PostToolBatch", tool_calls: many }, limits);
    expect(out.bytes).toBeLessThanOrEqual(limits.eventBytes);
    expect((out.value as Record<string, unknown>).tool_calls).toEqual({
      $trimmed: true,
      originalBytes: JSON.stringify(many).length,
    });
  });

  it("never splits a surrogate pair and replaces NUL characters", () => {
    const emoji = "😀".repeat(5000);
    const out = sanitizePayload({ a: emoji, b: "x\u0000y" }, { eventBytes: 4096, stringChars: 4096 });
    const v = out.value as { a: string; b: string };
    expect(v.b).toBe("x\uFFFDy");
    expect(() => new TextEncoder().encode(v.a)).not.toThrow();
    expect(v.a.isWellFormed()).toBe(true);
  });
});

describe("what the secret scan covers", () => {
  it("scans user content at any depth but not Claude Code's own ids and paths", () => {
    const { value } = sanitizePayload(
      {
        session_id: "s",
        cwd: "/home/me/api_key=abcdef123",
        tool_input: { command: "export API_KEY=abcdef123", file_path: "/x/password=hunter22" },
      },
      limits,
    );
    expect(value).toEqual({
      session_id: "s",
      cwd: "/home/me/api_key=abcdef123",
      tool_input: { command: "export API_KEY=[REDACTED]", file_path: "/x/password=[REDACTED]" },
    });
  });

  it("redacts a path every time it recurs, within an event and across events", () => {
    // Repeated paths and session values are kept as one shared copy; sharing comes after redaction.
    const payload = () => ({
      session_id: "s",
      cwd: "/w",
      tool_input: { file_path: "/x/token=abcdef12345" },
      tool_response: { filePath: "/x/token=abcdef12345", path: "/w/.env" },
    });
    const expected = {
      session_id: "s",
      cwd: "/w",
      tool_input: { file_path: "/x/token=[REDACTED]" },
      tool_response: { filePath: "/x/token=[REDACTED]", path: "/w/.env" },
    };
    for (let i = 0; i < 3; i++) {
      expect(sanitizePayload(payload(), limits).value).toEqual(expected);
      expect(sanitizePayload(payload(), limits, undefined, true).value).toEqual(expected);
    }
    // A secret-named key is still redacted whole, even where a path key would be shared.
    expect(sanitizePayload({ tool_input: { path: "/a", api_key: "/a" } }, limits).value).toEqual({
      tool_input: { path: "/a", api_key: "[REDACTED]" },
    });
  });
});
