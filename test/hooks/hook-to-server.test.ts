import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startNodeServer } from "../../src/runtime/node.ts";
import type { Agent, EventsPage } from "../../src/schema/wire.ts";
import { freePort } from "../helpers/ports.ts";
import { HOOK_VARIANTS, type HookVariant, hooksEnded, readSpool, runHook } from "./helpers/run-hook.ts";
import { createTempDir } from "./helpers/temp-dir.ts";

describe.each(HOOK_VARIANTS)("the $name hook against a real Spanlight server", (variant: HookVariant) => {
  let tmp: ReturnType<typeof createTempDir>;
  let server: Awaited<ReturnType<typeof startNodeServer>> | null = null;

  beforeEach(() => {
    tmp = createTempDir();
  });
  afterEach(async () => {
    await server?.close();
    server = null;
    await hooksEnded(tmp.path);
    tmp.cleanup();
  });

  /** A spool aimed at a port nothing listens on yet, and a hook run that must stay quiet. */
  async function downServerSpool(extraEnv: Record<string, string> = {}) {
    const port = await freePort();
    const spool = join(tmp.path, "spool");
    const env = { HOME: tmp.path, SPANLIGHT_SPOOL: spool, SPANLIGHT_URL: `http://127.0.0.1:${port}`, ...extraEnv };
    const fireRaw = async (body: string) => {
      expect(await runHook(variant, body, env)).toEqual({ code: 0, stdout: "", stderr: "" });
    };
    const settled = (n: number) =>
      vi.waitFor(
        () => {
          const s = readSpool(spool);
          expect(s.locked || s.inFlight > 0).toBe(false);
          expect(s.pending).toHaveLength(n);
        },
        { timeout: 20_000, interval: 20 },
      );
    return { port, spool, fireRaw, settled };
  }

  it("stores a redelivered spool once, with the times the hooks fired", async () => {
    const { port, spool, fireRaw, settled } = await downServerSpool();
    const session = `sess-${variant.name}`;
    const fire = (event: string) => fireRaw(JSON.stringify({ session_id: session, hook_event_name: event }));

    for (const e of ["Notification", "UserPromptSubmit", "Stop"]) await fire(e);
    await settled(3);
    // Keep copies: put back after delivery, they stand for a delivery whose answer was lost.
    const copies = join(tmp.path, "copies");
    mkdirSync(copies);
    for (const name of readSpool(spool).pending) copyFileSync(join(spool, name), join(copies, name));

    const startedAt = Date.now();
    server = await startNodeServer({ config: { server: { port } } });
    const events = async () => {
      const res = await fetch(`${server!.url}/api/events?sessionId=${session}&limit=100`);
      return ((await res.json()) as EventsPage).events.reverse();
    };
    await fire("SessionEnd");
    await settled(0);
    await vi.waitFor(async () => expect(await events()).toHaveLength(4), { timeout: 20_000, interval: 20 });

    for (const name of readdirSync(copies)) copyFileSync(join(copies, name), join(spool, name));
    await fire("SessionStart");
    await settled(0);
    await vi.waitFor(async () => expect(await events()).toHaveLength(5), { timeout: 20_000, interval: 20 });

    const stored = await events();
    expect(stored.map((e) => e.type)).toEqual([
      "Notification",
      "UserPromptSubmit",
      "Stop",
      "SessionEnd",
      "SessionStart",
    ]);
    for (const e of stored.slice(0, 3)) {
      expect(Date.parse(e.sourceTime!)).toBeLessThan(startedAt);
      expect(Date.parse(e.receivedAt)).toBeGreaterThanOrEqual(startedAt);
    }
  });

  it("counts the items of a delivered batch that the server turned down", async () => {
    const { port, spool, fireRaw, settled } = await downServerSpool();
    const session = `sess-batch-${variant.name}`;
    await fireRaw(JSON.stringify({ session_id: session, hook_event_name: "Notification" }));
    // Valid JSON the server refuses on its own (session_id must be a string); its batch is taken.
    await fireRaw(JSON.stringify({ session_id: 42, hook_event_name: "Notification" }));
    await fireRaw(JSON.stringify({ session_id: session, hook_event_name: "Stop" }));
    await settled(3);

    server = await startNodeServer({ config: { server: { port } } });
    await fireRaw(JSON.stringify({ session_id: session, hook_event_name: "SessionEnd" }));
    await settled(0);
    expect(readSpool(spool).rejected).toBe(1);
    const res = await fetch(`${server.url}/api/events?sessionId=${session}&limit=100`);
    expect(((await res.json()) as EventsPage).events.map((e) => e.type).reverse()).toEqual([
      "Notification",
      "Stop",
      "SessionEnd",
    ]);
  });

  it("delivers with a token and container id from a CRLF env file, dropping only what the server refuses", async () => {
    // Sent as they are, Node's HTTP parser refuses the header with a bare 400 before Spanlight sees
    // the request: that must neither lose the payload nor count it as refused.
    const token = "s3cret-token-crlf";
    const { port, spool, fireRaw, settled } = await downServerSpool({
      SPANLIGHT_TOKEN: `${token}\r\n`,
      SPANLIGHT_CONTAINER_ID: "abc123\r",
    });
    const session = `sess-crlf-${variant.name}`;
    await fireRaw(JSON.stringify({ session_id: session, hook_event_name: "Notification" }));
    // Not JSON: Spanlight answers 400 with its error body, and this one payload is dropped.
    await fireRaw(`{"session_id": "${session}", "hook_event_name": "Stop", `);
    await fireRaw(JSON.stringify({ session_id: session, hook_event_name: "Stop" }));
    await settled(3);

    server = await startNodeServer({ config: { server: { port, token } } });
    await fireRaw(JSON.stringify({ session_id: session, hook_event_name: "SessionEnd" }));
    await settled(0);
    expect(readSpool(spool).rejected).toBe(1);
    const get = (path: string) => fetch(`${server!.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const page = (await (await get(`/api/events?sessionId=${session}&limit=100`)).json()) as EventsPage;
    expect(page.events.map((e) => e.type).reverse()).toEqual(["Notification", "Stop", "SessionEnd"]);
    const agents = (await (await get("/api/agents")).json()) as Agent[];
    expect(agents.map((a) => a.containerId)).toContain("abc123_");
  });
});
