/** True when keys go to a text field (arrows move the caret there, `/` types a slash). */
export function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
}

/** True when Space or Enter already mean something for the focused element (press a button, open a link). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (isTextEntry(target)) return true;
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === "BUTTON" || tag === "A" || tag === "SUMMARY";
}

/** Plain key without modifiers (so browser and OS shortcuts keep working). */
export function isPlainKey(e: KeyboardEvent): boolean {
  return !e.ctrlKey && !e.metaKey && !e.altKey;
}
