import { For, Show } from "solid-js";
import type { ModelUsage } from "../../../src/schema/session.ts";
import { formatCost } from "../lib/format.ts";
import { formatExact, sortModels } from "../lib/usage.ts";
import { num, TableHead } from "./table-head.tsx";

/** Requests, exact tokens and cost per model, most expensive first; a total row when there are several. */
export function ModelTable(props: { models: readonly ModelUsage[] | undefined; label: string }) {
  const rows = () => sortModels(props.models);
  const total = () =>
    rows().reduce(
      (t, m) => ({
        requests: m.requests === null || t.requests === null ? null : t.requests + m.requests,
        inputTokens: t.inputTokens + m.inputTokens,
        outputTokens: t.outputTokens + m.outputTokens,
        cacheReadTokens: t.cacheReadTokens + m.cacheReadTokens,
        cacheCreationTokens: t.cacheCreationTokens + m.cacheCreationTokens,
        costUsd: t.costUsd + m.costUsd,
      }),
      {
        requests: 0 as number | null,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheCreationTokens: 0,
        costUsd: 0,
      },
    );
  // Seven columns do not fit a phone: the table scrolls inside its panel rather than the page.
  return (
    <div class="scroll-x">
      <table class="data compact models" aria-label={props.label}>
        <TableHead
          columns={[
            "Model",
            num("Requests", "LLM requests (metrics do not count them)"),
            num("Input"),
            num("Output"),
            num("Cache read"),
            num("Cache write"),
            num("Cost"),
          ]}
        />
        <tbody>
          <For each={rows()}>
            {(m) => (
              <tr data-model={m.model}>
                <td class="mono nowrap">{m.model}</td>
                <td class="num">{m.requests ?? "—"}</td>
                <td class="num">{formatExact(m.inputTokens)}</td>
                <td class="num">{formatExact(m.outputTokens)}</td>
                <td class="num">{formatExact(m.cacheReadTokens)}</td>
                <td class="num">{formatExact(m.cacheCreationTokens)}</td>
                <td class="num" title={`$${m.costUsd}`}>
                  {formatCost(m.costUsd)}
                </td>
              </tr>
            )}
          </For>
        </tbody>
        <Show when={rows().length > 1}>
          <tfoot>
            <tr>
              <th scope="row" class="total-cell">
                Total
              </th>
              <td class="num total-cell">{total().requests ?? "—"}</td>
              <td class="num total-cell">{formatExact(total().inputTokens)}</td>
              <td class="num total-cell">{formatExact(total().outputTokens)}</td>
              <td class="num total-cell">{formatExact(total().cacheReadTokens)}</td>
              <td class="num total-cell">{formatExact(total().cacheCreationTokens)}</td>
              <td class="num total-cell">{formatCost(total().costUsd)}</td>
            </tr>
          </tfoot>
        </Show>
      </table>
    </div>
  );
}
