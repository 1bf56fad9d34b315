/** A settings file Spanlight will not touch: unreadable, not JSON, or not shaped like Claude Code settings. */
export class SettingsError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}. Nothing was changed; fix the file (or move it away) and run the command again.`);
    this.name = "SettingsError";
  }
}
