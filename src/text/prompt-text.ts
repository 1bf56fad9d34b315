const TAG = /<\/?[a-z][\w-]*>/gi;

function tagText(text: string, tag: string): string | null {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(text);
  return m?.[1]?.trim() || null;
}

/**
 * A prompt as a one-line summary reads it (an event's summary, a turn's preview, the waterfall;
 * shared by server and dashboard). Claude Code submits some prompts itself, as markup: a
 * background task reporting back (`<task-notification><task-id>…`, its summary often past a
 * 200-character preview) reads as what it is; other markup (`<command-name>/compact</command-name>`)
 * loses its tags.
 */
export function readablePrompt(preview: string): string {
  const text = preview.trim();
  if (text.startsWith("<task-notification>")) {
    const what = tagText(text, "summary") ?? (tagText(text, "status") ? `task ${tagText(text, "status")}` : null);
    return what ? `Background task notification: ${what}` : "Background task notification";
  }
  if (!text.startsWith("<")) return preview;
  const stripped = text.replace(TAG, " ").replace(/\s+/g, " ").trim();
  return stripped || preview;
}
