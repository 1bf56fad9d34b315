import { describe, expect, it } from "vitest";
import { QUICK, seededDashboard } from "./harness.ts";
import { LONG_AGENT, LONG_TOOL, seedLong, sessionOf } from "./seed-long.ts";

// A laptop and a half-width window: where the audit found columns starved and labels colliding.
const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 800, height: 900 };
const SUBAGENT = sessionOf("subagent");

type Rect = { left: number; right: number; top: number; bottom: number; width: number; height: number };

describe.skipIf(QUICK)("dashboard layout at 1280 and 800 px", () => {
  const dashboard = seededDashboard(seedLong);
  const open = (path: string, ready: string, size = WIDE) => dashboard.open(path, ready, size);
  const rect = (selector: string) =>
    dashboard.browser.page.evaluate((sel) => {
      const r = document.querySelector(sel)?.getBoundingClientRect();
      return r
        ? { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height }
        : null;
    }, selector) as Promise<Rect | null>;

  /** How far a scrolling box's content reaches past its visible width. */
  const sideways = (selector: string) =>
    dashboard.browser.page.evaluate((sel) => {
      const el = document.querySelector(sel)!;
      return el.scrollWidth - el.clientWidth;
    }, selector);

  it.each([
    { size: WIDE, query: `?item=${encodeURIComponent("turn:1")}`, panel: true },
    { size: NARROW, query: "", panel: false },
  ])("keeps the waterfall's axis labels apart at $size.width px (details open: $panel)", async ({ size, query }) => {
    await open(`/sessions/${SUBAGENT}${query}`, "tr.wf-llm", size);
    // The tick count follows the axis's measured width; wait for the layout to settle on it.
    await dashboard.browser.page.waitForFunction(() => {
      const lane = document.querySelector("th.wf-axis .wf-lane");
      const ticks = document.querySelectorAll(".wf-tick");
      return lane && lane.clientWidth > 0 && ticks.length >= 2;
    });
    const layout = await dashboard.browser.page.evaluate(() => {
      const axis = document.querySelector("th.wf-axis .wf-lane")!.getBoundingClientRect();
      const ticks = [...document.querySelectorAll(".wf-tick")].map((t) => t.getBoundingClientRect());
      return { axis: [axis.left, axis.right], ticks: ticks.map((r) => [r.left, r.right]) };
    });
    expect(layout.ticks.length).toBeGreaterThanOrEqual(3);
    for (const [i, [left, right]] of layout.ticks.entries()) {
      expect(left).toBeGreaterThanOrEqual(layout.axis[0]! - 0.5);
      expect(right).toBeLessThanOrEqual(layout.axis[1]! + 0.5);
      if (i > 0) expect(left, JSON.stringify(layout.ticks)).toBeGreaterThan(layout.ticks[i - 1]![1]! + 4);
    }
  });

  it("leaves the waterfall's names room beside the details at 1280 px", async () => {
    await open(`/sessions/${SUBAGENT}?item=${encodeURIComponent("turn:1")}`, "aside.detail");
    const name = (await rect("table.waterfall thead th"))!;
    expect(name.width).toBeGreaterThanOrEqual(300);
  });

  it.each([
    { size: WIDE, details: true, min: 260 },
    { size: NARROW, details: false, min: 300 },
  ])(
    "gives the Live Summary column the most room at $size.width px (details open: $details)",
    async ({ size, details, min }) => {
      await open("/live", "table.events tbody tr.row", size);
      if (details) {
        await dashboard.browser.page.click("table.events tbody tr.row");
        await dashboard.browser.page.waitForSelector("aside.detail");
      }
      const widths = await dashboard.browser.page.$$eval("table.events thead th", (ths) =>
        ths.map((th) => th.getBoundingClientRect().width),
      );
      const summary = widths.at(-1)!;
      expect(summary).toBeGreaterThanOrEqual(min);
      expect(summary).toBe(Math.max(...widths));
    },
  );

  it("shows the otel tag of a long OTLP event type whole, cutting the name instead", async () => {
    await open("/live?q=assistant_response", "table.events tbody tr.row .src-tag", NARROW);
    const fit = await dashboard.browser.page.$$eval("table.events tbody tr.row td.c-type", (cells) =>
      cells.map((td) => {
        const cell = td.getBoundingClientRect();
        const tag = td.querySelector(".src-tag")!.getBoundingClientRect();
        const name = td.querySelector(".type-name")!;
        return { inside: tag.right <= cell.right + 0.5 && tag.width > 10, cut: name.scrollWidth > name.clientWidth };
      }),
    );
    expect(fit.length).toBeGreaterThan(0);
    for (const row of fit) expect(row.inside).toBe(true);
  });

  it("keeps a Files path readable at 800 px: a wide column, broken only between directories", async () => {
    await open("/files", "table.files tbody tr", NARROW);
    expect((await rect("table.files thead th"))!.width).toBeGreaterThanOrEqual(180);
    expect(await sideways(".table-wrap")).toBeLessThanOrEqual(0);
    const broken = await dashboard.browser.page.evaluate(() => {
      const range = document.createRange();
      return [...document.querySelectorAll("table.files .path-part")].filter((part) => {
        range.selectNodeContents(part);
        // A name longer than the column may break inside; a short one (a directory) never.
        return range.getClientRects().length > 1 && (part.textContent ?? "").length <= 24;
      }).length;
    });
    expect(broken).toBe(0);
  });

  it("fits the Sessions table into its box at 1280 px, a long agent id cut with the full id on hover", async () => {
    await open("/sessions", `span[title="${LONG_AGENT}"]`);
    expect(await sideways(".table-wrap")).toBeLessThanOrEqual(0);
    const agent = await dashboard.browser.page.$eval(`span[title="${LONG_AGENT}"]`, (el) => [
      el.clientWidth,
      el.scrollWidth,
    ]);
    expect(agent[0]).toBeLessThan(agent[1]!);
    const cost = (await rect("table.data thead th:last-child"))!;
    expect(cost.right).toBeLessThanOrEqual((await rect(".table-wrap"))!.right);
  });

  it.each([WIDE, { width: 1920, height: 900 }])(
    "keeps an active session's tool, summary, duration and agent inside the Overview card at $width px",
    async (size) => {
      await open("/", `.active-doing .tool-tag[title="${LONG_TOOL}"]`, size);
      const item = await dashboard.browser.page.evaluate(
        (agent) => {
          const tag = document.querySelector(`.active-doing .tool-tag[title="${agent.tool}"]`)!;
          const li = tag.closest(".active-item")!;
          const box = (el: Element) => el.getBoundingClientRect();
          const who = li.querySelector(`.active-main [title="${agent.id}"]`)!;
          const title = li.querySelector(".active-title")!;
          return {
            right: box(li).right,
            children: [...li.querySelectorAll(".active-doing > *, .active-main > *")].map((el) => box(el).right),
            summary: box(li.querySelector(".active-summary")!).width,
            duration: box(li.querySelector(".active-dur")!).width,
            whoHeight: box(who).height,
            titleHeight: box(title).height,
          };
        },
        { tool: LONG_TOOL, id: LONG_AGENT },
      );
      for (const right of item.children) expect(right).toBeLessThanOrEqual(item.right + 0.5);
      expect(item.summary).toBeGreaterThanOrEqual(40);
      expect(item.duration).toBeGreaterThan(0);
      // One line, like the project above it (it wrapped over three).
      expect(item.whoHeight).toBeLessThan(item.titleHeight * 1.5);
    },
  );

  it("shows the whole Cost by model table in the Overview at 1280 px", async () => {
    await open("/", "table.models tbody tr");
    expect(await sideways(".panel .scroll-x")).toBeLessThanOrEqual(0);
    const cost = (await rect("table.models thead th:last-child"))!;
    expect(cost.right).toBeLessThanOrEqual((await rect(".panel .scroll-x"))!.right + 0.5);
  });

  it("keeps Tools numbers on one line and the last error in sight at 800 px", async () => {
    await open("/tools", "table.data tbody tr", NARROW);
    const lines = await dashboard.browser.page.evaluate(() => {
      const range = document.createRange();
      // A cell's boxes (text, the rate bar) all sit on its first line: none starts below another's bottom.
      return [...document.querySelectorAll("table.data td.num")].filter((td) => {
        range.selectNodeContents(td);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        return rects.some((r) => rects.some((o) => r.top >= o.bottom - 1));
      }).length;
    });
    expect(lines).toBe(0);
    expect(await sideways(".table-wrap")).toBeLessThanOrEqual(0);
    const lastError = (await rect("table.data thead th:last-child"))!;
    expect(lastError.right).toBeLessThanOrEqual((await rect(".table-wrap"))!.right);
    expect(lastError.width).toBeGreaterThanOrEqual(100);
  });

  it("keeps the navigation still when the active view changes", async () => {
    const links = async () =>
      dashboard.browser.page.$$eval(".nav a", (as) =>
        as.map((a) => Math.round(a.getBoundingClientRect().left * 10) / 10),
      );
    await open("/", ".nav a.active");
    const first = await links();
    for (const path of ["/live", "/sessions", "/tools", "/files"]) {
      await dashboard.browser.page.click(`.nav a[href="${path}"]`);
      await dashboard.browser.page.waitForSelector(`.nav a.active[href="${path}"]`);
      expect(await links()).toEqual(first);
    }
  });

  it("breaks a session's working dir between directories, never inside a name", async () => {
    // The audit's case: `/tmp/cc-harness/subagent/project` ended in "projec" / "t" at 800 px.
    await open(`/sessions/${SUBAGENT}`, ".meta-grid", NARROW);
    const broken = await dashboard.browser.page.evaluate(() => {
      const dd = [...document.querySelectorAll(".meta-grid .meta")]
        .find((m) => m.querySelector("dt")?.textContent === "Working dir")!
        .querySelector("dd")!;
      // Each directory name (with its slash) as a range over the dd's text, whatever the markup.
      const nodes: Array<{ node: Text; start: number }> = [];
      const walker = document.createTreeWalker(dd, NodeFilter.SHOW_TEXT);
      let text = "";
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        nodes.push({ node: n as Text, start: text.length });
        text += n.textContent;
      }
      const at = (i: number) => {
        const hit = nodes.findLast((n) => n.start <= i)!;
        return [hit.node, i - hit.start] as const;
      };
      const lines = (from: number, to: number) => {
        const range = document.createRange();
        range.setStart(...at(from));
        range.setEnd(...at(to));
        return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
      };
      const parts = text.split(/(?<=\/)/);
      let from = 0;
      const out: string[] = [];
      for (const part of parts) {
        if (part.length > 0 && lines(from, from + part.length) > 1) out.push(part);
        from += part.length;
      }
      return { text, out };
    });
    expect(broken.text).toBe("/tmp/cc-harness/subagent/project");
    expect(broken.out).toEqual([]);
  });

  it("sets an empty table's message off the box's border", async () => {
    await open("/files?q=no-such-file", ".table-wrap > .empty");
    const gap = await dashboard.browser.page.evaluate(() => {
      const range = document.createRange();
      range.selectNodeContents(document.querySelector(".table-wrap > .empty")!);
      return range.getBoundingClientRect().left - document.querySelector(".table-wrap")!.getBoundingClientRect().left;
    });
    expect(gap).toBeGreaterThanOrEqual(6);
  });

  it("logs no errors in the page", () => {
    expect(dashboard.browser.errors).toEqual([]);
  });
});
