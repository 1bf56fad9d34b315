// @vitest-environment happy-dom
import { cleanup, waitFor } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedEvent } from "../../src/schema/normalized-event.ts";
import { toolIo } from "../../ui/src/features/sessions/tool-io.ts";
import { loadHooks } from "../helpers/fixtures.ts";
import { renderDashboard } from "./helpers/in-process-ui.tsx";

afterEach(() => cleanup());

const sessionOf = (scenario: string) => loadHooks(scenario)[0]!.payload.session_id as string;
const event = (payload: unknown) => ({ payload }) as NormalizedEvent;

describe("a tool call's captured input and output", () => {
  it("reads them from the Pre and Post events", () => {
    const io = toolIo(event({ tool_input: { command: "ls" } }), event({ tool_response: { stdout: "a" } }), "t1");
    expect(io).toEqual({ input: { command: "ls" }, output: { stdout: "a" } });
  });

  it("takes them from the PostToolBatch entry of the same tool_use_id when the batch ended the call", () => {
    const batch = event({
      hook_event_name: "PostToolBatch",
      tool_calls: [
        { tool_use_id: "other", tool_input: { x: 1 }, tool_response: "no" },
        { tool_use_id: "t1", tool_name: "Edit", tool_input: { file_path: "/a" }, tool_response: "not found" },
      ],
    });
    expect(toolIo(null, batch, "t1")).toEqual({ input: { file_path: "/a" }, output: "not found" });
    expect(toolIo(event({ tool_input: { file_path: "/pre" } }), batch, "t1").input).toEqual({ file_path: "/pre" });
    expect(toolIo(null, batch, "missing")).toEqual({ input: undefined, output: undefined });
  });
});

describe("tool call details", () => {
  it.each([
    [
      "refused before it ran (input validation)",
      "failing-tool",
      "toolu_010a30584580da192432b6ec",
      "no such text",
      "String to replace not found",
    ],
    ["denied a permission", "permissions", "toolu_0192640f842c3be65e58c6d3", "out.txt", "you haven't granted it yet"],
  ])("show input and output of a call %s, from its PostToolBatch", async (_, scenario, id, input, output) => {
    await renderDashboard({
      scenarios: [scenario],
      path: `/sessions/${sessionOf(scenario)}?item=${encodeURIComponent(`tool:${id}`)}`,
    });
    await waitFor(() => expect(document.querySelector('aside.detail pre[title="Tool output JSON"]')).not.toBeNull());
    const aside = document.querySelector("aside.detail")!;
    expect(aside.querySelector('pre[title="Tool input JSON"]')?.textContent).toContain(input);
    expect(aside.querySelector('pre[title="Tool output JSON"]')?.textContent).toContain(output);
    expect(aside.textContent).not.toContain("undefined");
    expect(aside.textContent).not.toContain("no longer held");
  });
});

describe("denied and waiting calls in the waterfall", () => {
  it("draws a denied call muted and labelled denied, not as a failure", async () => {
    await renderDashboard({ scenarios: ["permissions"], path: `/sessions/${sessionOf("permissions")}` });
    await waitFor(() => expect(document.querySelectorAll("tr.wf-row.denied").length).toBe(3));
    for (const row of document.querySelectorAll("tr.wf-row.denied")) {
      expect(row.classList.contains("problem")).toBe(false);
      expect(row.querySelector(".wf-state")?.textContent).toBe("denied");
      expect(row.querySelector(".wf-bar")?.classList.contains("st-denied")).toBe(true);
      expect(row.querySelector(".tone-error")).toBeNull();
    }
  });

  it("says which call waits for the user's permission", async () => {
    const hooks = loadHooks("permissions").map((h) => h.payload);
    const upTo = hooks.slice(0, hooks.findIndex((p) => p.hook_event_name === "PermissionRequest") + 1);
    await renderDashboard({
      hooks: upTo.map((payload) => ({ payload })),
      path: `/sessions/${sessionOf("permissions")}`,
    });
    await waitFor(() =>
      expect(document.querySelector("tr.wf-row.waiting .wf-state")?.textContent).toBe("waiting for permission"),
    );
    expect(document.querySelectorAll("tr.wf-row.waiting").length).toBe(1);
  });
});
