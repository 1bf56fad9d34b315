import { A } from "@solidjs/router";
import { Show } from "solid-js";
import { shortId } from "../lib/format.ts";

/**
 * A link to a session that tells it apart from its siblings: many sessions share a project
 * name, so the chip adds the id's first 8 characters (the Live stream's short id) and names the
 * full id on hover.
 */
export function SessionChip(props: { sessionId: string; project: string | null | undefined }) {
  const id = () => shortId(props.sessionId);
  // A server label can already be the id's start (a session without a project): show it once.
  const name = () => (props.project && !props.sessionId.startsWith(props.project) ? props.project : null);
  return (
    <A
      class="chip session-chip"
      href={`/sessions/${encodeURIComponent(props.sessionId)}`}
      title={name() ? `${name()} · session ${props.sessionId}` : `session ${props.sessionId}`}
    >
      <Show when={name()}>
        <span class="chip-name">{name()}</span>{" "}
      </Show>
      <span class="muted mono">{id()}</span>
    </A>
  );
}
