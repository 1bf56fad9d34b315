import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/server/error-codes.ts";

describe("error code table", () => {
  it("docs/api.md lists exactly the codes and statuses the server uses", () => {
    const doc = readFileSync(join(import.meta.dirname, "..", "..", "docs", "api.md"), "utf8");
    const rows = [...doc.matchAll(/^\| `([a-z0-9_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    const codes = Object.entries(ERROR_CODES).map(([code, v]) => [code, v.status]);
    expect(rows.sort()).toEqual(codes.sort());
  });
});
