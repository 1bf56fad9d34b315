import { toJsonText } from "../lib/json-text.ts";

/** Captured data as pretty JSON, always inserted as text: payloads can hold `<script>` and worse. */
export function JsonBlock(props: { value: unknown; label: string }) {
  return (
    <pre class="json" title={props.label} tabindex="0">
      {toJsonText(props.value)}
    </pre>
  );
}
