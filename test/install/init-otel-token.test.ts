import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("spanlight init --otel with a token", () => {
  it("tells how to give Claude Code's OTLP exporter the token, without writing it to a file", async () => {
    const home = mkdtempSync(join(tmpdir(), "spanlight-init-"));
    dirs.push(home);
    const out: string[] = [];
    const code = await COMMANDS.init!.run(["--otel", "--token", "s3cret-token-x", "--dry-run"], {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      env: {},
      cwd: home,
      home,
    });
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(text).toContain('OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer%20$SPANLIGHT_TOKEN"');
    expect(text).not.toContain("s3cret-token-x");
  });
});
