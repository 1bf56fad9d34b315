// @vitest-environment happy-dom
import { cleanup, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { renderDashboard } from "./helpers/in-process-ui.tsx";

afterEach(() => cleanup());

const card = (label: string) =>
  [...document.querySelectorAll(".card")].find((c) => c.querySelector("dt")?.textContent === label);

describe("numbers that must agree", () => {
  it("counts a failed LLM request in the card and says so, so it agrees with Cost by model", async () => {
    await renderDashboard({ scenarios: ["api-error"], otlp: true, path: "/" });
    await waitFor(() => expect(card("LLM requests")).toBeTruthy());
    const models = await waitFor(() => {
      const cell = document.querySelector("table.models tbody td.num");
      expect(cell).not.toBeNull();
      return Number(cell!.textContent);
    });
    const value = Number(card("LLM requests")!.querySelector(".card-value")!.textContent);
    const failed = value - models;
    expect(failed).toBeGreaterThan(0);
    expect(card("LLM requests")!.querySelector(".card-hint")?.textContent).toBe(`incl. ${failed} failed`);
  });

  it("says the Tools failure rate is over finished calls, with the counts on hover", async () => {
    await renderDashboard({ scenarios: ["failing-tool"], path: "/tools" });
    const header = await waitFor(() => screen.getByRole("columnheader", { name: "Failure rate" }));
    expect(header.getAttribute("title")).toMatch(/finished calls/);
    const bash = await waitFor(() => {
      const row = [...document.querySelectorAll("table.data tbody tr")].find((r) => r.textContent?.startsWith("Bash"));
      expect(row).toBeTruthy();
      return row!;
    });
    expect(bash.querySelectorAll("td")[4]!.getAttribute("title")).toMatch(/^\d+ of \d+ finished calls?$/);
  });
});
