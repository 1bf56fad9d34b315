/**
 * Minimal `--flag value` / `--flag=value` / `--switch` parser. Unknown flags, short options and
 * stray words are errors, not ignored: no command takes positional arguments, so
 * `spanlight serve 9393` or `serve -p 9393` would otherwise start on the default port.
 */
export type ParsedArgs = { flags: Record<string, string | true> };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function parseArgs(args: string[], spec: { values: string[]; switches: string[] }): ParsedArgs {
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    // `-h` is what people type first; every command has --help.
    if (arg === "-h" && spec.switches.includes("help")) {
      flags.help = true;
      continue;
    }
    if (!arg.startsWith("--")) {
      throw new UsageError(arg.startsWith("-") ? `unknown option ${arg}` : `unexpected argument "${arg}"`);
    }
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (spec.switches.includes(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
    } else if (spec.values.includes(name)) {
      const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined || (eq === -1 && value.startsWith("--"))) throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
    } else throw new UsageError(`unknown option --${name}`);
  }
  return { flags };
}
