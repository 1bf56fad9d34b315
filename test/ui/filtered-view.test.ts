import { describe, expect, it } from "vitest";
import type { NormalizedEvent } from "../../src/schema/wire.ts";
import { emptyLog, mergeEvents } from "../../ui/src/state/event-log.ts";
import { compileLiveFilter, EMPTY_FILTER, type LiveFilter } from "../../ui/src/state/event-match.ts";
import { sortByTime } from "../../ui/src/state/event-order.ts";
import { type FilteredView, updateFilteredView } from "../../ui/src/state/filtered-view.ts";
import { captured, withSeq } from "./helpers/captured.ts";

const real = (await captured(["failing-tool", "subagent", "file-ops"], { "x-spanlight-agent": "laptop" })).events;
const f = (patch: Partial<LiveFilter>): LiveFilter => ({ ...EMPTY_FILTER, ...patch });
const seqs = (v: FilteredView) => v.matches.map((e) => e.seq);
const inTimeOrder = (events: readonly NormalizedEvent[]) => sortByTime(events).map((e) => e.seq);

describe("live filters", () => {
  it.each<[string, Partial<LiveFilter>, (e: NormalizedEvent) => boolean]>([
    ["type", { type: "PreToolUse" }, (e) => e.type === "PreToolUse"],
    ["tool", { tool: "Bash" }, (e) => e.toolName === "Bash"],
    ["session", { sessionId: real[0]!.sessionId! }, (e) => e.sessionId === real[0]!.sessionId],
    ["subagent id as agent", { agentId: real.find((e) => e.subagentId)!.subagentId! }, (e) => e.subagentId !== null],
    ["agent header", { agentId: "laptop" }, () => true],
  ])("filters by %s", (_, patch, expected) => {
    const view = updateFilteredView(null, mergeEvents(emptyLog(), real), f(patch));
    expect(view.matches.length).toBeGreaterThan(0);
    expect(view.matches.every(expected)).toBe(true);
    expect(view.matches.length).toBe(real.filter(expected).length);
  });

  it("searches case-insensitively through commands, paths, errors and the raw payload", () => {
    const log = mergeEvents(emptyLog(), real);
    const byPath = updateFilteredView(null, log, f({ q: "TODO.TXT" }));
    expect(byPath.matches.length).toBeGreaterThan(0);
    expect(byPath.matches.every((e) => JSON.stringify(e).toLowerCase().includes("todo.txt"))).toBe(true);
    // "SUBTASK-INSPECT" appears only inside the Agent tool's prompt in the payload.
    const inPayload = updateFilteredView(null, log, f({ q: "subtask-inspect" }));
    expect(inPayload.matches.map((e) => e.toolName)).toContain("Agent");
    expect(updateFilteredView(null, log, f({ q: "no such text anywhere" })).matches).toEqual([]);
  });

  it("updates incrementally to exactly what a full recompute gives, as events stream in", () => {
    const filter = f({ q: "bash" });
    const match = compileLiveFilter(filter);
    let log = emptyLog();
    let view: FilteredView | null = null;
    for (let i = 0; i < real.length; i += 7) {
      log = mergeEvents(log, real.slice(i, i + 7), 25);
      view = updateFilteredView(view, log, filter);
      expect(seqs(view)).toEqual(inTimeOrder(log.events.filter(match)));
    }
  });

  it("drops matches the log evicted and rebuilds after older pages arrive", () => {
    const filter = f({ type: "PostToolUse" });
    let log = mergeEvents(emptyLog(), real.slice(20));
    let view = updateFilteredView(null, log, filter);
    log = mergeEvents(log, real.slice(0, 20));
    view = updateFilteredView(view, log, filter);
    expect(seqs(view)).toEqual(inTimeOrder(real.filter((e) => e.type === "PostToolUse")));
    const extra = Array.from({ length: 30 }, (_, i) => withSeq(real[0]!, 1000 + i, { type: "PostToolUse" }));
    log = mergeEvents(log, extra, 30);
    view = updateFilteredView(view, log, filter);
    expect(seqs(view)).toEqual(extra.map((e) => e.seq));
  });

  it("holds every event of the log without filters", () => {
    const log = mergeEvents(emptyLog(), real);
    expect(seqs(updateFilteredView(null, log, EMPTY_FILTER))).toEqual(inTimeOrder(log.events));
  });
});
