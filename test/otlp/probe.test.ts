import { afterEach, describe, expect, it } from "vitest";
import { checkOtlpArrival } from "../../src/otlp/mod.ts";
import { startNodeServer } from "../../src/runtime/node.ts";
import { postScenarioOtlp } from "./helpers/post-otlp.ts";

type Server = Awaited<ReturnType<typeof startNodeServer>>;
let server: Server | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

/** `app.request`-shaped access to a real server, for the fixture poster. */
function over(url: string) {
  return { request: (path: string, init: RequestInit) => fetch(`${url}${path}`, init) };
}

describe("checkOtlpArrival (for spanlight doctor)", () => {
  it("says the receiver works but nothing arrived yet, naming the settings each signal needs", async () => {
    server = await startNodeServer();
    const r = await checkOtlpArrival({ baseUrl: server.url });
    expect(r).toMatchObject({ accepting: true, verdict: "none", rejectedRequests: 0 });
    expect(r.lines.join("\n")).toContain("OTEL_TRACES_EXPORTER=otlp and CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1");
  });

  it("reports each signal once Claude Code's exports arrived", async () => {
    server = await startNodeServer();
    await postScenarioOtlp(over(server.url), "bash-echo", "json", (s) => s !== "traces");
    const partial = await checkOtlpArrival({ baseUrl: server.url });
    expect(partial.verdict).toBe("partial");
    expect(partial.signals.traces?.requests).toBe(0);
    await postScenarioOtlp(over(server.url), "bash-echo", "protobuf", (s) => s === "traces");
    const ok = await checkOtlpArrival({ baseUrl: `${server.url}/` });
    expect(ok.verdict).toBe("ok");
    expect(ok.signals.logs).toMatchObject({ requests: 1, items: 56 });
    expect(ok.lines[0]).toMatch(/^traces: 6 received in 1 exports, last at \d{4}-/);
  });

  it("fails with the status when the token is wrong, and when the server is unreachable", async () => {
    server = await startNodeServer({ config: { server: { token: "right-token" } } });
    const wrong = await checkOtlpArrival({ baseUrl: server.url, token: "wrong-token" });
    expect(wrong).toMatchObject({ accepting: false, verdict: "failed" });
    expect(wrong.lines[0]).toContain("401 (token missing or wrong)");
    expect((await checkOtlpArrival({ baseUrl: server.url, token: "right-token" })).verdict).toBe("none");
    const url = server.url;
    await server.close();
    server = null;
    expect((await checkOtlpArrival({ baseUrl: url })).verdict).toBe("failed");
  });
});
