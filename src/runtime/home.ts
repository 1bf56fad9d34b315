/**
 * The home directory `init`, `uninstall` and `doctor` put `~/.claude` and `~/.spanlight` under:
 * the first of `candidates` (tried in order) that gives a non-empty path. A candidate that throws
 * (no passwd entry, no permission) is skipped; "" when none gives one.
 *
 * An empty HOME counts as unset: the runtime falls back to the account's home from the passwd
 * database, as it does when HOME is unset. Taken as it is, "" would put `~/.claude` and
 * `~/.spanlight` in the current directory (Node's os.homedir() returns "" for HOME="").
 */
export function firstHome(candidates: ReadonlyArray<() => string | undefined>): string {
  for (const candidate of candidates) {
    try {
      const home = candidate();
      if (home) return home;
    } catch {
      // This source has no answer: the next one may.
    }
  }
  return "";
}
