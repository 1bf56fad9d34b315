import { describe, expect, it } from "vitest";
import type { FinishedSpan } from "../../otel/span-command.ts";
import { toPromptKey, toTurnTraceId } from "../../otel/span-ids.ts";
import type { NormalizedEvent } from "../../src/schema/mod.ts";
import { mapEvents } from "./helpers/map-scenario.ts";
import { createHarness, named, one } from "./helpers/mapper-harness.ts";
import { replayEvents } from "./helpers/replay.ts";

function allAttributeText(spans: FinishedSpan[]): string {
  return JSON.stringify(spans.map((s) => [s.attributes, s.events, s.status]));
}

describe("span mapper", () => {
  it("nests a background subagent under the Agent call that launched it, though the call returned first", () => {
    const { spans } = mapEvents(replayEvents("subagent-background"));
    const agentCall = one(spans, "execute_tool Agent");
    const subagent = one(spans, "invoke_agent general-purpose");
    const bash = one(spans, "execute_tool Bash");
    const [firstTurn] = named(spans, "invoke_agent claude-code").sort((a, b) => a.startMs - b.startMs);
    expect(subagent.parentSpanId).toBe(agentCall.spanId);
    expect(bash.parentSpanId).toBe(subagent.spanId);
    expect(new Set([agentCall.traceId, subagent.traceId, bash.traceId, firstTurn!.traceId]).size).toBe(1);
    // The call returned at once (async_launched); the subagent and its Bash ran on after the turn's Stop.
    expect(agentCall.endMs).toBeLessThan(subagent.endMs);
    expect(subagent.endMs).toBeGreaterThan(firstTurn!.endMs);
    expect(subagent.attributes["gen_ai.agent.id"]).toBe("a255a05da7aa5d95d");
  });

  it("does not nest a subagent under an earlier Agent call that failed before starting one", () => {
    const events = replayEvents("subagent");
    const at = events.findIndex((e) => e.type === "PreToolUse" && e.toolName === "Agent");
    const pre = events[at]!;
    const failedPre: NormalizedEvent = {
      ...pre,
      id: "failed-pre",
      toolUseId: "toolu_failed",
      payload: { ...(pre.payload as object), tool_use_id: "toolu_failed" },
    };
    const failedPost: NormalizedEvent = {
      ...failedPre,
      id: "failed-post",
      type: "PostToolUseFailure",
      error: "Agent type not found",
      payload: {
        ...(failedPre.payload as object),
        hook_event_name: "PostToolUseFailure",
        error: "Agent type not found",
      },
    };
    const all = [...events.slice(0, at), failedPre, failedPost, ...events.slice(at)].map((e, i) => ({
      ...e,
      seq: i + 1,
    }));
    const { spans } = mapEvents(all);
    const calls = named(spans, "execute_tool Agent");
    const real = calls.find((c) => c.attributes["gen_ai.tool.call.id"] === pre.toolUseId)!;
    expect(calls).toHaveLength(2);
    expect(one(spans, "invoke_agent general-purpose").parentSpanId).toBe(real.spanId);
  });

  it("nests a foreground subagent and its tool calls under the Agent call", () => {
    const { spans } = mapEvents(replayEvents("subagent"));
    const agentCall = one(spans, "execute_tool Agent");
    const subagent = one(spans, "invoke_agent general-purpose");
    expect(subagent.parentSpanId).toBe(agentCall.spanId);
    for (const name of ["execute_tool Bash", "execute_tool Read"]) {
      expect(one(spans, name).parentSpanId).toBe(subagent.spanId);
    }
    expect(agentCall.startMs).toBeLessThanOrEqual(subagent.startMs);
    expect(agentCall.endMs).toBeGreaterThanOrEqual(subagent.endMs);
  });

  it("marks failed tool calls as errors with an exception event and the exit code", () => {
    const { spans } = mapEvents(replayEvents("failing-tool"));
    const bash = named(spans, "execute_tool Bash").sort((a, b) => a.startMs - b.startMs);
    expect(bash[0]!.status).toEqual({ code: "error", message: "Exit code 3" });
    expect(bash[0]!.attributes["process.exit.code"]).toBe(3);
    expect(bash[0]!.events.map((e) => e.name)).toEqual(["exception"]);
    expect(bash[0]!.events[0]!.attributes["exception.type"]).toBe("tool_error");
    expect(bash[1]!.attributes["process.exit.code"]).toBe(143);
    // Edit without a match fires no Pre/Post: its span comes from PostToolBatch.
    const edit = one(spans, "execute_tool Edit");
    expect(edit.status.code).toBe("error");
    expect(edit.attributes["spanlight.tool.batch_only"]).toBe(true);
  });

  it("turns permission prompts and denials into events and error statuses on the tool span", () => {
    const { spans } = mapEvents(replayEvents("permissions"));
    const write = one(spans, "execute_tool Write");
    expect(write.events.map((e) => e.name)).toEqual(["permission_request"]);
    expect(write.attributes["error.type"]).toBe("permission_denied");
    const denied = spans.find((s) => s.events.some((e) => e.name === "permission_denied"))!;
    expect(denied.status).toEqual({ code: "error", message: "permission denied: Classifier unavailable" });
  });

  it("ends a turn with StopFailure as an error carrying the API error type", () => {
    const { spans } = mapEvents(replayEvents("api-error"));
    const turn = one(spans, "invoke_agent claude-code");
    expect(turn.status).toEqual({ code: "error", message: "server_error" });
    expect(turn.attributes["error.type"]).toBe("server_error");
    expect(turn.events.find((e) => e.name === "exception")?.attributes["exception.type"]).toBe("server_error");
  });

  it("gives each turn of a resumed session its own trace, all carrying the session id", () => {
    const events = replayEvents("multi-turn");
    const { spans } = mapEvents(events);
    const turns = named(spans, "invoke_agent claude-code");
    expect(turns.length).toBe(3);
    expect(new Set(turns.map((t) => t.traceId)).size).toBe(3);
    expect(turns.map((t) => t.attributes["spanlight.turn.index"]).sort()).toEqual([1, 2, 3]);
    const prompts = events.filter((e) => e.type === "UserPromptSubmit");
    for (const [i, p] of prompts.entries()) {
      const traceId = toTurnTraceId(p.sessionId!, toPromptKey(p.promptId, i + 1));
      expect(turns.some((t) => t.traceId === traceId)).toBe(true);
    }
  });

  it("puts SessionStart, SessionEnd, Setup, compaction and model switches outside turns into the lifecycle trace", () => {
    const { spans } = mapEvents(replayEvents("session-lifecycle"));
    const lifecycle = spans.filter((s) =>
      ["setup", "session_start", "session_end", "compact", "model_switch"].includes(s.name),
    );
    expect(new Set(lifecycle.map((s) => s.traceId)).size).toBe(1);
    expect(named(spans, "setup").length).toBe(2);
    expect(named(spans, "session_start").length).toBe(5);
    const compact = one(spans, "compact");
    expect(compact.endMs).toBeGreaterThan(compact.startMs);
    expect(one(spans, "model_switch").attributes["claude_code.to_model"]).toBe("claude-sonnet-5-5");
    const turns = named(spans, "invoke_agent claude-code");
    for (const t of turns) expect(lifecycle.some((l) => l.traceId === t.traceId)).toBe(false);
  });

  it("records hooks inside a turn as span events on the innermost open span", () => {
    const { spans } = mapEvents(replayEvents("mcp-elicitation"));
    const asks = named(spans, "execute_tool mcp__harness__ask_user").sort((a, b) => a.startMs - b.startMs);
    expect(asks[0]!.events.map((e) => e.name)).toEqual(["elicitation"]);
    expect(asks[1]!.events.map((e) => e.name)).toEqual(["elicitation", "elicitation_result", "notification"]);
    expect(asks[0]!.attributes["mcp.server.name"]).toBe("harness");
    expect(asks[0]!.attributes["gen_ai.tool.type"]).toBe("extension");
  });

  it("ignores a redelivered hook (same event id) entirely", () => {
    const events = replayEvents("subagent");
    const once = mapEvents(events).spans;
    const twice = mapEvents([...events, ...events.map((e, i) => ({ ...e, seq: events.length + i + 1 }))]).spans;
    expect(twice).toEqual(once);
  });

  it("does not duplicate turn, tool or subagent spans when hooks are re-sent under new event ids", () => {
    const events = replayEvents("subagent");
    const again = events.map((e, i) => ({ ...e, id: `${e.id}-again`, seq: events.length + i + 1 }));
    const structural = (list: FinishedSpan[]) =>
      list
        .filter((s) => s.name.startsWith("invoke_agent") || s.name.startsWith("execute_tool"))
        .map((s) => `${s.traceId}/${s.spanId}`)
        .sort();
    expect(structural(mapEvents([...events, ...again]).spans)).toEqual(structural(mapEvents(events).spans));
  });

  it("puts a hook that arrives after its turn ended into that turn's trace", () => {
    const events = replayEvents("bash-echo");
    const stop = events.findIndex((e) => e.type === "Stop");
    const display = events.find((e) => e.type === "MessageDisplay")!;
    const late = [...events.slice(0, stop + 1), { ...display, type: "Notification", id: "late", seq: 99 }];
    const { spans } = mapEvents(late);
    const turn = one(spans, "invoke_agent claude-code");
    const point = spans.find((s) => s.name === "notification")!;
    expect(point.traceId).toBe(turn.traceId);
    expect(point.parentSpanId).toBe(turn.spanId);
  });

  it("uses duration_ms to start a tool span earlier when the hooks arrived closer together than the tool ran", () => {
    const events = replayEvents("bash-echo");
    const pre = events.find((e) => e.type === "PreToolUse")!;
    const post = events.find((e) => e.type === "PostToolUse")!;
    const postAt = Date.parse(pre.receivedAt) + 5;
    const shifted = events.map((e) =>
      e === post ? { ...e, receivedAt: new Date(postAt).toISOString(), durationMs: 40 } : e,
    );
    const bash = one(mapEvents(shifted).spans, "execute_tool Bash");
    expect(bash.endMs).toBe(postAt);
    expect(bash.endMs - bash.startMs).toBe(40);
  });

  it("takes span times from X-Spanlight-Time (sourceTime) when a spooled hook arrives late", () => {
    const events = replayEvents("bash-echo");
    const late = events.map((e) =>
      e.type === "PostToolUse" ? { ...e, sourceTime: e.receivedAt, receivedAt: "2030-01-01T00:00:00.000Z" } : e,
    );
    const bash = one(mapEvents(late).spans, "execute_tool Bash");
    expect(bash.endMs).toBe(Date.parse(events.find((e) => e.type === "PostToolUse")!.receivedAt));
  });

  it("builds a tool span from its Post alone when the Pre was missed", () => {
    const events = replayEvents("bash-echo").filter((e) => e.type !== "PreToolUse");
    const { spans } = mapEvents(events);
    const bash = one(spans, "execute_tool Bash");
    const post = events.find((e) => e.type === "PostToolUse")!;
    expect(bash.endMs - bash.startMs).toBe(post.durationMs);
    expect(bash.parentSpanId).toBe(one(spans, "invoke_agent claude-code").spanId);
  });

  it("starts an implicit turn when tool calls arrive for a prompt it never saw", () => {
    const events = replayEvents("bash-echo").filter((e) => e.type !== "UserPromptSubmit");
    const { spans } = mapEvents(events);
    const turn = one(spans, "invoke_agent claude-code");
    expect(turn.attributes["spanlight.turn.implicit"]).toBe(true);
    expect(one(spans, "execute_tool Bash").parentSpanId).toBe(turn.spanId);
  });

  it("ends a turn without Stop as incomplete when the next prompt arrives", () => {
    const events = replayEvents("multi-turn").filter(
      (e) => !(e.type === "Stop" && e.seq < 10) && e.type !== "SessionEnd",
    );
    const { spans } = mapEvents(events);
    const first = named(spans, "invoke_agent claude-code").sort((a, b) => a.startMs - b.startMs)[0]!;
    expect(first.attributes["spanlight.incomplete"]).toBe(true);
    expect(first.attributes["spanlight.incomplete.reason"]).toBe("new prompt without Stop");
  });

  it("ends a tool call with no Post after the tool timeout, at the time of its last event, marked incomplete", () => {
    const h = createHarness({ toolTimeoutMs: 60_000, turnTimeoutMs: 600_000 });
    const events = replayEvents("bash-echo");
    const upToPre = events.slice(0, events.findIndex((e) => e.type === "PreToolUse") + 1);
    for (const e of upToPre) h.map(e, 1_000);
    h.sweep(61_000);
    expect(named(h.spans, "execute_tool Bash")).toEqual([]);
    h.sweep(61_001);
    const bash = one(h.spans, "execute_tool Bash");
    expect(bash.attributes["spanlight.incomplete.reason"]).toBe("timeout");
    expect(bash.endMs).toBe(Date.parse(upToPre[upToPre.length - 1]!.receivedAt));
    expect(named(h.spans, "invoke_agent claude-code")).toEqual([]);
    h.sweep(601_001);
    expect(one(h.spans, "invoke_agent claude-code").attributes["spanlight.incomplete.reason"]).toBe("timeout");
    expect(h.openCount()).toBe(0);
  });

  it("keeps a parent open while its children are active (activity counts from the latest event)", () => {
    const h = createHarness({ toolTimeoutMs: 60_000, turnTimeoutMs: 60_000 });
    const events = replayEvents("subagent");
    const stopAt = events.findIndex((e) => e.type === "SubagentStop");
    for (const [i, e] of events.slice(0, stopAt).entries()) h.map(e, i * 50_000);
    h.sweep((stopAt - 1) * 50_000 + 59_000);
    expect(h.spans.filter((s) => s.attributes["spanlight.incomplete"])).toEqual([]);
  });

  it("ends every open span at shutdown with reason shutdown", () => {
    const h = createHarness();
    const events = replayEvents("subagent");
    for (const e of events.slice(
      0,
      events.findIndex((e) => e.type === "SubagentStop"),
    ))
      h.map(e);
    h.endAll("shutdown");
    const reasons = h.spans.filter((s) => s.attributes["spanlight.incomplete"]).map((s) => s.name);
    expect(reasons.sort()).toEqual(["execute_tool Agent", "invoke_agent claude-code", "invoke_agent general-purpose"]);
    expect(h.openCount()).toBe(0);
  });

  it("bounds open spans: past maxOpenSpans the oldest is ended as evicted", () => {
    const h = createHarness({ maxOpenSpans: 16 });
    const base = replayEvents("bash-echo");
    const prompt = base.find((e) => e.type === "UserPromptSubmit")!;
    const pre = base.find((e) => e.type === "PreToolUse")!;
    h.map(prompt);
    for (let i = 0; i < 40; i++) h.map({ ...pre, id: `pre-${i}`, seq: 100 + i, toolUseId: `toolu_${i}` });
    expect(h.openCount()).toBe(16);
    const evicted = h.spans.filter(
      (s) => s.attributes["spanlight.incomplete.reason"] === "evicted (otel.maxOpenSpans)",
    );
    expect(evicted.length).toBe(25);
  });
});

describe("span mapper privacy", () => {
  const events = replayEvents("bash-echo");
  const prompt = (events.find((e) => e.type === "UserPromptSubmit")!.payload as { prompt: string }).prompt;
  const command = events.find((e) => e.type === "PreToolUse")!.command!;

  it("exports no prompt, command or tool output by default, only lengths and hashes", () => {
    const { spans } = mapEvents(events);
    const text = allAttributeText(spans);
    expect(text).not.toContain(prompt);
    expect(text).not.toContain(command);
    const turn = one(spans, "invoke_agent claude-code");
    expect(turn.attributes.user_prompt_length).toBe(new TextEncoder().encode(prompt).byteLength);
    expect(turn.attributes["spanlight.prompt.sha256"]).toMatch(/^[0-9a-f]{64}$/);
    const bash = one(spans, "execute_tool Bash");
    expect(bash.attributes["spanlight.tool.input.sha256"]).toMatch(/^[0-9a-f]{64}$/);
    expect(bash.attributes["gen_ai.tool.call.arguments"]).toBeUndefined();
    expect(bash.attributes["gen_ai.tool.call.result"]).toBeUndefined();
  });

  it("measures content in UTF-8 bytes, also for non-ASCII prompts", () => {
    const unicode = replayEvents("unicode");
    const text = (unicode.find((e) => e.type === "UserPromptSubmit")!.payload as { prompt: string }).prompt;
    const turn = one(mapEvents(unicode).spans, "invoke_agent claude-code");
    expect(text.length).toBeLessThan(new TextEncoder().encode(text).byteLength);
    expect(turn.attributes.user_prompt_length).toBe(new TextEncoder().encode(text).byteLength);
  });

  it("exports prompts, tool input and tool output when capture is on, capped in length", () => {
    const capture = { prompts: true, toolInput: true, toolOutput: true };
    const { spans } = mapEvents(events, { capture, maxAttributeChars: 64 });
    const turn = one(spans, "invoke_agent claude-code");
    expect(turn.attributes.user_prompt).toBe(prompt.length <= 64 ? prompt : `${prompt.slice(0, 63)}…`);
    const bash = one(spans, "execute_tool Bash");
    expect(bash.attributes["process.command_line"]).toBe(command);
    expect(String(bash.attributes["gen_ai.tool.call.arguments"])).toContain("command");
    expect(String(bash.attributes["gen_ai.tool.call.result"]).length).toBeLessThanOrEqual(64);
    for (const s of spans) {
      for (const v of Object.values(s.attributes)) if (typeof v === "string") expect(v.length).toBeLessThanOrEqual(64);
    }
  });

  it("gives content the ingest cut its original size, and a hash that tells different originals apart", () => {
    // The big-output capture writes a 207,200-byte file: stored, its content is cut to fit 10 KB.
    const writeOf = (evts: NormalizedEvent[]) =>
      one(mapEvents(evts).spans, "execute_tool Write").attributes as Record<string, unknown>;
    const original = writeOf(replayEvents("big-output"));
    const content = (replayEvents("big-output").find((e) => e.toolName === "Write")!.trimmed ?? []).find(
      (m) => m.path === "tool_input.content",
    );
    expect(content?.originalBytes).toBe(207_200);
    expect(original["spanlight.tool.input.length"]).toBeGreaterThan(207_200);
    expect(original["spanlight.tool.input.length"]).toBeLessThan(207_200 + 200);
    // Same first 4 KB, same size, one byte different at the end: a hash of the stored text would match.
    const edited = writeOf(
      replayEvents("big-output", {}, (p) => {
        const input = p.tool_input as { content?: string } | undefined;
        if (p.hook_event_name !== "PreToolUse" || typeof input?.content !== "string") return p;
        return { ...p, tool_input: { ...input, content: `${input.content.slice(0, -1)}!` } };
      }),
    );
    expect(edited["spanlight.tool.input.length"]).toBe(original["spanlight.tool.input.length"]);
    expect(edited["spanlight.tool.input.sha256"]).not.toBe(original["spanlight.tool.input.sha256"]);
    expect(writeOf(replayEvents("big-output"))["spanlight.tool.input.sha256"]).toBe(
      original["spanlight.tool.input.sha256"],
    );
  });

  it("keeps what Claude, an MCP server or the user said in other hooks out of the trace unless prompts are captured", () => {
    const said = ["What is your favourite colour?", "Run the smoke test"];
    const scenarios = [...replayEvents("mcp-elicitation"), ...replayEvents("tasks")];
    const off = allAttributeText(mapEvents(scenarios).spans);
    for (const text of said) expect(off).not.toContain(text);
    const capture = { prompts: true, toolInput: false, toolOutput: false };
    const on = allAttributeText(mapEvents(scenarios, { capture }).spans);
    for (const text of said) expect(on).toContain(text);
  });

  it("exports text fields it does not know as their size only, unless prompts are captured", () => {
    // A hook a newer Claude Code might send, holding text under a name this version has never seen.
    const words = "Fix the login bug — the one Ada reported";
    const future = (capture?: { prompts: boolean; toolInput: boolean; toolOutput: boolean }) => {
      const events = replayEvents("mcp-elicitation", {}, (p) =>
        p.hook_event_name === "Notification"
          ? { ...p, hook_event_name: "TranscriptSummarized", summary_text: words, summary_words: 8 }
          : p,
      );
      const spans = mapEvents(events, capture ? { capture } : {}).spans;
      const attrs = spans.flatMap((s) => [s.attributes, ...s.events.map((ev) => ev.attributes)]);
      return attrs.find((a) => a["spanlight.hook.event"] === "TranscriptSummarized")!;
    };
    const off = future();
    expect(off["claude_code.summary_text"]).toBeUndefined();
    expect(off["claude_code.summary_text_length"]).toBe(new TextEncoder().encode(words).byteLength);
    expect(off["claude_code.summary_words"]).toBe(8);
    expect(off["claude_code.notification_type"]).toBe("elicitation_response");
    const on = future({ prompts: true, toolInput: false, toolOutput: false });
    expect(on["claude_code.summary_text"]).toBe(words);
  });

  it("never exports a secret: attributes are built from the redacted event", () => {
    const secret = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789";
    const capture = { prompts: true, toolInput: true, toolOutput: true };
    const events2 = replayEventsWithPrompt(`deploy with ${secret}`);
    const text = allAttributeText(mapEvents(events2, { capture }).spans);
    expect(text).not.toContain(secret);
    expect(text).toContain("[REDACTED]");
  });
});

function replayEventsWithPrompt(prompt: string): NormalizedEvent[] {
  return replayEvents("bash-echo", {}, (payload) =>
    payload.hook_event_name === "UserPromptSubmit" ? { ...payload, prompt } : payload,
  );
}
