import { For } from "solid-js";
import { shortId } from "../../lib/format.ts";
import type { LiveFilter } from "../../state/event-match.ts";

export type FilterOptions = {
  sessions: { value: string; label: string }[];
  agents: string[];
  types: string[];
  tools: string[];
};

function Select(props: {
  id: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (v: string) => void;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">All</option>
        {/* `selected` per option: a select's value set before its options exist would be lost. */}
        <For each={props.options}>
          {(o) => (
            <option value={o.value} selected={o.value === props.value}>
              {o.label}
            </option>
          )}
        </For>
      </select>
    </div>
  );
}

const asOptions = (values: string[]) => values.map((v) => ({ value: v, label: v }));

/** Filter bar: every change applies at once (the rows are filtered in the page). */
export function LiveFilters(props: {
  filter: LiveFilter;
  options: FilterOptions;
  onChange: (patch: Partial<LiveFilter>) => void;
}) {
  // A filter value no longer among the options (session evicted) must stay selectable.
  const withCurrent = (opts: { value: string; label: string }[], current: string) =>
    current && !opts.some((o) => o.value === current) ? [{ value: current, label: shortId(current) }, ...opts] : opts;
  return (
    <search class="filters">
      <div class="field field-grow">
        <label for="live-search">Search</label>
        <input
          id="live-search"
          type="search"
          data-search
          placeholder="Text, command, path, id…  ( / )"
          value={props.filter.q}
          onInput={(e) => props.onChange({ q: e.currentTarget.value })}
          onKeyDown={(e) => {
            if (e.key === "Escape") e.currentTarget.blur();
          }}
        />
      </div>
      <Select
        id="f-session"
        label="Session"
        value={props.filter.sessionId}
        options={withCurrent(props.options.sessions, props.filter.sessionId)}
        onChange={(v) => props.onChange({ sessionId: v })}
      />
      <Select
        id="f-agent"
        label="Agent / container"
        value={props.filter.agentId}
        options={withCurrent(asOptions(props.options.agents), props.filter.agentId)}
        onChange={(v) => props.onChange({ agentId: v })}
      />
      <Select
        id="f-type"
        label="Event type"
        value={props.filter.type}
        options={withCurrent(asOptions(props.options.types), props.filter.type)}
        onChange={(v) => props.onChange({ type: v })}
      />
      <Select
        id="f-tool"
        label="Tool"
        value={props.filter.tool}
        options={withCurrent(asOptions(props.options.tools), props.filter.tool)}
        onChange={(v) => props.onChange({ tool: v })}
      />
    </search>
  );
}
