/** Status as a word and a colour (never colour alone, for colour-blind users and screen readers). */
export function StatusBadge(props: { status: string; title?: string }) {
  return (
    <span class={`status status-${props.status}`} title={props.title}>
      {props.status}
    </span>
  );
}
