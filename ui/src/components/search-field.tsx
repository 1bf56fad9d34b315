import { useSearchParams } from "@solidjs/router";

/**
 * The view-level filter box: its text lives in the URL (`?q=`) so a filtered view can be shared
 * or reloaded; `/` focuses it (data-search), Esc leaves it.
 */
export function SearchField(props: { id: string; label: string; placeholder: string }) {
  const [params, setParams] = useSearchParams();
  return (
    <div class="field">
      <label for={props.id} class="sr-only">
        {props.label}
      </label>
      <input
        id={props.id}
        type="search"
        data-search
        placeholder={props.placeholder}
        value={typeof params.q === "string" ? params.q : ""}
        onInput={(e) => setParams({ q: e.currentTarget.value || undefined }, { replace: true })}
        onKeyDown={(e) => {
          if (e.key === "Escape") e.currentTarget.blur();
        }}
      />
    </div>
  );
}
