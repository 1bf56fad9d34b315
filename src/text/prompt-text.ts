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
  const task = taskNotificationText(text);
  if (task) return task;
  if (!text.startsWith("<")) return preview;
  const stripped = text.replace(TAG, " ").replace(/\s+/g, " ").trim();
  return stripped || preview;
}

/**
 * A background task's report in words (`Background task notification: Agent "x" completed`), or
 * null for any other prompt. What the server puts in summaries: unlike readablePrompt it leaves
 * every other prompt as the user typed it, markup included.
 */
export function taskNotificationText(prompt: string): string | null {
  const text = prompt.trimStart();
  if (!text.startsWith("<task-notification>")) return null;
  const what = tagText(text, "summary") ?? (tagText(text, "status") ? `task ${tagText(text, "status")}` : null);
  return what ? `Background task notification: ${what}` : "Background task notification";
}
