import { describe, expect, it } from "vitest";
import type { NormalizedEvent } from "../../src/schema/mod.ts";
import { mapEvents } from "./helpers/map-scenario.ts";
import { one } from "./helpers/mapper-harness.ts";
import { replayEvents } from "./helpers/replay.ts";

const [OPUS, SONNET] = ["claude-opus-5-5", "claude-sonnet-5-5"];

let requests = 0;

/** Claude Code's main-thread `api_request` log event, as the OTLP ingest normalizes it. */
function apiRequest(base: NormalizedEvent, promptId: string | null, model: string): NormalizedEvent {
  return {
    ...base,
    id: `otlp-api-request-${++requests}`,
    source: "otlp",
    type: "claude_code.api_request",
    subagentId: null,
    promptId,
    model,
    payload: { query_source: "repl_main_thread", "prompt.id": promptId, model },
  };
}

/** A `/model` switch typed at the prompt: the hook names the new model. */
function modelSwitch(base: NormalizedEvent, model: string): NormalizedEvent {
  return {
    ...base,
    id: `model-switch-${model}`,
    type: "PostModelSwitch",
    model,
    payload: { session_id: base.sessionId, hook_event_name: "PostModelSwitch", to_model: model },
  };
}

// The resumed session's turns, with hooks naming no model: the requests inserted decide it.
const EVENTS = replayEvents("multi-turn").map((e) => ({ ...e, model: null }));
const indicesOf = (type: string) => EVENTS.flatMap((e, i) => (e.type === type ? [i] : []));
const PROMPTS = indicesOf("UserPromptSubmit");
const [PROMPT_1, PROMPT_2] = PROMPTS as [number, number];
const [STOP_1] = indicesOf("Stop") as [number];
const [P1, P2] = [EVENTS[PROMPT_1]!.promptId, EVENTS[PROMPT_2]!.promptId];

/** Maps the session with the events given inserted after the hook at each index; the model of turn n. */
function multiTurn(inserts: Record<number, NormalizedEvent[]>) {
  const all = EVENTS.flatMap((e, i) => [e, ...(inserts[i] ?? [])]).map((e, i) => ({ ...e, seq: i + 1 }));
  const { spans } = mapEvents(all);
  const turns = spans.filter((s) => s.name === "invoke_agent claude-code");
  return (n: number) => {
    const turn = turns.filter((t) => t.attributes["prompt.id"] === EVENTS[PROMPTS[n]!]!.promptId);
    expect(turn).toHaveLength(1);
    return turn[0]!.attributes["gen_ai.request.model"];
  };
}

describe("the model of a turn", () => {
  it("names the turn's model from Claude Code's own api_request when the hooks did not", () => {
    const events = replayEvents("bash-echo").map((e) => ({ ...e, model: null }));
    const prompt = events.findIndex((e) => e.type === "UserPromptSubmit");
    const request: NormalizedEvent = {
      ...events[prompt]!,
      id: "otlp-api-request-1",
      source: "otlp",
      type: "claude_code.api_request",
      model: "claude-opus-5-5",
    };
    const { spans } = mapEvents([...events.slice(0, prompt + 1), request, ...events.slice(prompt + 1)]);
    expect(one(spans, "invoke_agent claude-code").attributes["gen_ai.request.model"]).toBe("claude-opus-5-5");
    // A side request of the main thread (a summary, a compaction) says nothing about the turn's either.
    const side = {
      ...request,
      id: "otlp-api-request-3",
      model: "claude-haiku-5",
      payload: { query_source: "auxiliary" },
    };
    const { spans: aside } = mapEvents([...events.slice(0, prompt + 1), request, side, ...events.slice(prompt + 1)]);
    expect(one(aside, "invoke_agent claude-code").attributes["gen_ai.request.model"]).toBe("claude-opus-5-5");
    // A subagent's requests (often another model) say nothing about the turn's.
    const sub = { ...request, id: "otlp-api-request-2", subagentId: "a1", model: "claude-haiku-5" };
    const { spans: again } = mapEvents([...events.slice(0, prompt + 1), sub, ...events.slice(prompt + 1)]);
    expect(one(again, "invoke_agent claude-code").attributes["gen_ai.request.model"]).toBeUndefined();
  });

  it("takes a late request of the turn before only for that turn, not for the one now open", () => {
    const modelOf = multiTurn({
      [PROMPT_1]: [apiRequest(EVENTS[PROMPT_1]!, P1, OPUS)],
      // The user switched models; the turn before's last batch comes after the new turn's first.
      [PROMPT_2]: [apiRequest(EVENTS[PROMPT_2]!, P2, SONNET), apiRequest(EVENTS[PROMPT_2]!, P1, OPUS)],
    });
    expect(modelOf(0)).toBe(OPUS);
    expect(modelOf(1)).toBe(SONNET);
  });

  it("starts the next turn on the model the latest turn's late requests name, unless a switch came after", () => {
    const stop = EVENTS[STOP_1]!;
    // Logs come after the Stop: the latest turn's requests still say what the next one starts on.
    expect(multiTurn({ [STOP_1]: [apiRequest(stop, P1, OPUS)] })(1)).toBe(OPUS);
    // A switch typed after the Stop is newer than the turn's requests still on their way.
    const switched = multiTurn({
      [STOP_1]: [apiRequest(stop, P1, OPUS), modelSwitch(stop, SONNET), apiRequest(stop, P1, OPUS)],
    });
    expect(switched(1)).toBe(SONNET);
    expect(switched(2)).toBe(SONNET);
  });

  it("gives a request naming no prompt to the open turn, as before prompt ids", () => {
    const modelOf = multiTurn({
      [PROMPT_1]: [apiRequest(EVENTS[PROMPT_1]!, null, OPUS)],
      [PROMPT_2]: [apiRequest(EVENTS[PROMPT_2]!, null, SONNET)],
    });
    expect(modelOf(0)).toBe(OPUS);
    expect(modelOf(1)).toBe(SONNET);
  });
});
