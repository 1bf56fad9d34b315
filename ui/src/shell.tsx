import { A, type RouteSectionProps, useLocation, useNavigate } from "@solidjs/router";
import { onCleanup, onMount, Show } from "solid-js";
import { Banners } from "./components/banners.tsx";
import { ConnectionBadge } from "./components/connection-badge.tsx";
import { plural } from "./lib/format.ts";
import { isPlainKey, isTypingTarget } from "./lib/keyboard.ts";
import { useApp } from "./state/app-ctx.tsx";

const NAV = [
  { href: "/", label: "Overview", end: true },
  { href: "/live", label: "Live" },
  { href: "/sessions", label: "Sessions" },
  { href: "/agents", label: "Agents" },
  { href: "/tools", label: "Tools" },
  { href: "/files", label: "Files" },
];

/** Layout shared by every view: navigation, connection state, banners and global shortcuts. */
export function Shell(props: RouteSectionProps) {
  const app = useApp();
  const navigate = useNavigate();
  const location = useLocation();

  function onKey(e: KeyboardEvent) {
    if (!isPlainKey(e) || e.defaultPrevented) return;
    if (e.key === "/" && !isTypingTarget(e.target)) {
      e.preventDefault();
      const search = document.querySelector<HTMLInputElement>("[data-search]");
      if (search) search.focus();
      else {
        navigate(`/live${location.search}`);
        queueMicrotask(() => document.querySelector<HTMLInputElement>("[data-search]")?.focus());
      }
    } else if (e.key === " " && !isTypingTarget(e.target) && location.pathname === "/live") {
      e.preventDefault();
      app.togglePause();
    }
  }
  onMount(() => window.addEventListener("keydown", onKey));
  onCleanup(() => window.removeEventListener("keydown", onKey));

  return (
    <div class="app">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <A href="/" class="brand" end>
          <span class="brand-mark" aria-hidden="true" />
          Spanlight
        </A>
        <nav aria-label="Views">
          <ul class="nav">
            {NAV.map((item) => (
              <li>
                <A href={item.href} end={item.end} activeClass="active" data-label={item.label}>
                  {item.label}
                </A>
              </li>
            ))}
          </ul>
        </nav>
        <div class="topbar-right">
          <Show when={app.paused()}>
            <span class="chip chip-warn">paused</span>
          </Show>
          <span class="muted small" title="Events held by this page">
            {plural(app.log().events.length, "event")}
          </span>
          <ConnectionBadge />
        </div>
      </header>
      <Banners />
      <main id="main" class="main" tabindex="-1">
        {props.children}
      </main>
    </div>
  );
}
