import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scenarios } from "../helpers/fixtures.ts";
import { mapEvents } from "./helpers/map-scenario.ts";
import { replayEvents } from "./helpers/replay.ts";
import { flatten, type SpanNode, toSpanTree } from "./helpers/span-tree.ts";

// `UPDATE_GOLDEN=1 npx vitest run test/otel` rewrites the golden span trees after a deliberate change.
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const GOLDEN_DIR = join(import.meta.dirname, "..", "golden");

function treeOf(scenario: string) {
  const events = replayEvents(scenario);
  const { spans } = mapEvents(events);
  return { events, spans, tree: toSpanTree(spans, Date.parse(events[0]!.receivedAt)) };
}

describe.each(scenarios())("span tree of the %s capture", (scenario) => {
  const { events, spans, tree } = treeOf(scenario);

  it("matches the golden span tree", () => {
    const file = join(GOLDEN_DIR, `${scenario}.json`);
    if (UPDATE) writeFileSync(file, `${JSON.stringify(tree, null, 2)}\n`);
    expect(existsSync(file), `missing ${file}; run with UPDATE_GOLDEN=1`).toBe(true);
    expect(tree).toEqual(JSON.parse(readFileSync(file, "utf8")));
  });

  it("links every span to a parent in its own trace, with valid unique ids", () => {
    const nodes = flatten(tree);
    expect(nodes.length).toBe(spans.length);
    expect(nodes.filter((n) => n.missingParent)).toEqual([]);
    for (const s of spans) {
      expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length);
  });

  it("orders times: no span ends before it starts, no child starts before its parent", () => {
    const check = (node: SpanNode) => {
      expect(node.durationMs).toBeGreaterThanOrEqual(0);
      for (const child of node.children ?? []) {
        expect(child.startMs, `${child.name} under ${node.name}`).toBeGreaterThanOrEqual(node.startMs);
        check(child);
      }
    };
    for (const t of tree.traces) t.spans.forEach(check);
  });

  it("gives every tool call exactly one execute_tool span", () => {
    const ids = new Set(events.filter((e) => e.toolUseId).map((e) => e.toolUseId));
    const calls = spans.filter((s) => s.name.startsWith("execute_tool "));
    const callIds = calls.map((s) => s.attributes["gen_ai.tool.call.id"]);
    expect(new Set(callIds).size).toBe(callIds.length);
    for (const id of ids) expect(callIds).toContain(id);
  });

  it("leaves nothing open: every span is ended by its own hooks or by SessionEnd", () => {
    const shutdown = spans.filter((s) => s.attributes["spanlight.incomplete.reason"] === "shutdown");
    expect(shutdown.map((s) => s.name)).toEqual([]);
  });

  it("puts one trace per turn, named invoke_agent claude-code, carrying session.id", () => {
    const prompts = events.filter((e) => e.type === "UserPromptSubmit").length;
    const roots = tree.traces.flatMap((t) => t.spans).filter((n) => n.name === "invoke_agent claude-code");
    expect(roots.length).toBe(prompts);
    for (const n of flatten(tree)) expect(n.attributes["session.id"]).toBe(events[0]!.sessionId);
  });
});
