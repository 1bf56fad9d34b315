import { A } from "@solidjs/router";
import { For, Show } from "solid-js";
import type { FileTouch, Notice } from "../../../../src/schema/session.ts";
import { ExternalLink } from "../../components/external-link.tsx";
import { FileCountCells } from "../../components/file-path.tsx";
import { num, TableHead } from "../../components/table-head.tsx";
import { TimeAgo } from "../../components/time-ago.tsx";
import { formatDuration } from "../../lib/format.ts";
import { createKeyedList } from "../../lib/keyed-list.ts";

/** Reads / writes / edits / searches per file the session touched. */
export function FilesTouched(props: { files: readonly FileTouch[] }) {
  // The session page refetches twice a second while the session works.
  const files = createKeyedList(() => props.files, "path");
  return (
    <Show when={props.files.length > 0} fallback={<p class="empty">No files touched.</p>}>
      <div class="scroll-x">
        <table class="data compact">
          <TableHead columns={["File", num("Reads"), num("Writes"), num("Edits"), num("Searches"), "Last"]} />
          <tbody>
            <For each={files()}>
              {(f) => (
                <tr>
                  <FileCountCells file={f} />
                  <td class="nowrap">
                    <TimeAgo at={f.lastAt} />
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}

/** Permission waits and notifications, with how long the agent waited. */
export function Notices(props: { notices: readonly Notice[] }) {
  return (
    <Show when={props.notices.length > 0} fallback={<p class="empty">No permission prompts or notifications.</p>}>
      <ol class="notices">
        <For each={props.notices}>
          {(n) => (
            <li classList={{ open: n.type === "PermissionRequest" && !n.resolvedAt }}>
              <span class="notice-type">{n.type}</span>
              <Show when={n.toolName}>
                <span class="tool-tag">{n.toolName}</span>
              </Show>
              <span class="wrap">{n.message}</span>
              <span class="muted small nowrap">
                <TimeAgo at={n.at} />
                <Show when={n.resolvedAt} fallback={n.type === "PermissionRequest" ? " · waiting" : ""}>
                  {(r) => ` · waited ${formatDuration(Date.parse(r()) - Date.parse(n.at))}`}
                </Show>
              </span>
            </li>
          )}
        </For>
      </ol>
    </Show>
  );
}

/** The session page's links: every trace of the session in Jaeger (when export is on), its live events. */
export function SessionActions(props: { sessionId: string; tracesUrl: string | null }) {
  return (
    <span class="view-actions">
      <ExternalLink href={props.tracesUrl} class="button" title="Every trace of this session in Jaeger">
        Traces
      </ExternalLink>
      <A class="button" href={`/live?session=${encodeURIComponent(props.sessionId)}`}>
        Live events
      </A>
    </span>
  );
}
