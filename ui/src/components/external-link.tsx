import { type JSX, Show } from "solid-js";
import { toSafeHttpUrl } from "../lib/safe-url.ts";

/**
 * A link to another site built from server data (a trace in Jaeger): shown only for an http(s)
 * URL, opened in a new tab that gets no handle on this page. `fallback` stands in otherwise.
 */
export function ExternalLink(props: {
  href: string | null | undefined;
  class?: string;
  title?: string;
  onClick?: (e: MouseEvent) => void;
  fallback?: JSX.Element;
  children: JSX.Element;
}) {
  return (
    <Show when={toSafeHttpUrl(props.href)} fallback={props.fallback}>
      {(url) => (
        <a
          class={props.class}
          href={url()}
          target="_blank"
          rel="noopener noreferrer"
          title={props.title}
          onClick={(e) => props.onClick?.(e)}
        >
          {props.children}
        </a>
      )}
    </Show>
  );
}
