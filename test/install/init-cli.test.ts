import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { initCommand } from "../../src/cli/init.ts";
import { uninstallCommand } from "../../src/cli/uninstall.ts";
import { hookScript } from "../../src/install/mod.ts";
import { createTempDir } from "../hooks/helpers/temp-dir.ts";
import { captureIo } from "./cli-io.ts";

const ORIGINAL = `{
  "hooks": {
    "PreToolUse": [{ "matcher": "Bash", "hooks": [{ "type": "command", "command": "guard.sh" }] }]
  },
  "theme": "dark"
}
`;

let tmp: ReturnType<typeof createTempDir>;
let home: string;
let project: string;
let settings: string;

beforeEach(() => {
  tmp = createTempDir();
  home = join(tmp.path, "home");
  project = join(tmp.path, "project");
  mkdirSync(join(home, ".claude"), { recursive: true });
  mkdirSync(project);
  settings = join(home, ".claude", "settings.json");
});
afterEach(() => tmp.cleanup());

function io(env: Record<string, string | undefined> = { PATH: process.env.PATH }) {
  return captureIo({ home, cwd: project, env });
}

/** Every file under the temp dir with its content, to prove a command wrote nothing. */
function snapshot(dir = tmp.path): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name);
    const stat = lstatSync(p);
    if (stat.isSymbolicLink()) out[name] = `-> ${readlinkSync(p)}`;
    else if (stat.isFile()) out[name] = readFileSync(p, "utf8");
  }
  return out;
}

/**
 * Makes the next atomic write of `path` fail, for any user (root included): a directory stands
 * where its temporary file goes (`<file>.tmp-<pid>`, see writeFileAtomic), so writing it fails
 * with EISDIR and the rename is never reached.
 */
function blockWrite(path: string): void {
  mkdirSync(`${path}.tmp-${process.pid}`);
}

/** Whether chmod 0o555 stops this process from writing a directory (not as root). */
function readOnlyDirsStopUs(): boolean {
  const dir = join(tmp.path, "probe");
  mkdirSync(dir, { mode: 0o555 });
  try {
    writeFileSync(join(dir, "f"), "");
    return false;
  } catch {
    return true;
  }
}

describe("spanlight init / uninstall on real files", () => {
  it("installs the hook scripts as executables and merges the hooks into the settings", async () => {
    writeFileSync(settings, ORIGINAL);
    expect(await initCommand([], io())).toBe(0);
    for (const name of ["spanlight-hook.sh", "spanlight-hook.py"] as const) {
      const path = join(home, ".spanlight", "hooks", name);
      expect(readFileSync(path, "utf8")).toBe(hookScript(name));
      expect(statSync(path).mode & 0o111).not.toBe(0);
    }
    const after = JSON.parse(readFileSync(settings, "utf8"));
    expect(after.theme).toBe("dark");
    expect(after.hooks.PreToolUse[0].hooks[0].command).toBe("guard.sh");
    expect(readFileSync(`${settings}.spanlight-backup`, "utf8")).toBe(ORIGINAL);
  });

  it("shows a diff with --dry-run and changes nothing", async () => {
    writeFileSync(settings, ORIGINAL);
    const before = snapshot();
    const out = io();
    expect(await initCommand(["--dry-run", "--otel"], out)).toBe(0);
    expect(snapshot()).toEqual(before);
    expect(out.text()).toContain(`--- ${settings}`);
    expect(out.text()).toMatch(/^\+\s+"url": "http:\/\/127\.0\.0\.1:9292\/v1\/hooks\/claude-code",$/m);
    expect(out.text()).toMatch(/^\+\s+"OTEL_EXPORTER_OTLP_ENDPOINT": "http:\/\/127\.0\.0\.1:9292",$/m);
    expect(out.text()).toContain(`would write ${join(home, ".spanlight", "hooks", "spanlight-hook.sh")}`);
  });

  it("leaves a malformed settings file untouched and says what is wrong", async () => {
    const broken = '{\n  "hooks": {\n    "Stop": [\n}\n';
    writeFileSync(settings, broken);
    const out = io();
    expect(await initCommand([], out)).toBe(1);
    expect(readFileSync(settings, "utf8")).toBe(broken);
    expect(existsSync(join(home, ".spanlight"))).toBe(false);
    expect(out.errors.join("\n")).toMatch(
      /settings\.json: not valid JSON \(line 4, column 1: expected a value, found "}"\)\. Nothing was changed/,
    );
  });

  it("is idempotent: running init twice leaves the same file", async () => {
    writeFileSync(settings, ORIGINAL);
    await initCommand(["--mode", "command"], io());
    const first = readFileSync(settings, "utf8");
    const out = io();
    expect(await initCommand(["--mode", "command"], out)).toBe(0);
    expect(readFileSync(settings, "utf8")).toBe(first);
    expect(out.text()).toContain("Already installed, nothing changed");
  });

  it("uninstall restores the original file exactly and removes the backup", async () => {
    writeFileSync(settings, ORIGINAL);
    await initCommand(["--otel"], io());
    expect(await uninstallCommand([], io())).toBe(0);
    expect(readFileSync(settings, "utf8")).toBe(ORIGINAL);
    expect(existsSync(`${settings}.spanlight-backup`)).toBe(false);
  });

  it("keeps a private settings file private: the file, its backup and what uninstall restores", async () => {
    // Settings often carry API keys under `env`; the user made the file readable by them alone.
    writeFileSync(settings, ORIGINAL, { mode: 0o600 });
    const mode = (path: string) => statSync(path).mode & 0o777;
    expect(await initCommand([], io())).toBe(0);
    expect([mode(settings), mode(`${settings}.spanlight-backup`)]).toEqual([0o600, 0o600]);
    expect(await uninstallCommand([], io())).toBe(0);
    expect(mode(settings)).toBe(0o600);
  });

  it("uninstall removes a settings file that init created", async () => {
    await initCommand(["--project", "--docker"], io());
    const projectSettings = join(project, ".claude", "settings.json");
    expect(existsSync(projectSettings)).toBe(true);
    expect(readFileSync(join(project, ".spanlight", "docker.env"), "utf8")).toContain("host.docker.internal");
    expect(await uninstallCommand(["--project"], io())).toBe(0);
    expect(existsSync(projectSettings)).toBe(false);
    expect(existsSync(join(project, ".spanlight", "docker.env"))).toBe(false);
    // The directories init made for them go too: the project is as it was.
    expect(readdirSync(project)).toEqual([]);
  });

  it("uninstall keeps a project's .claude directory that holds other files", async () => {
    mkdirSync(join(project, ".claude"));
    writeFileSync(join(project, ".claude", "commands.md"), "mine");
    await initCommand(["--project"], io());
    expect(await uninstallCommand(["--project"], io())).toBe(0);
    expect(readdirSync(join(project, ".claude"))).toEqual(["commands.md"]);
  });

  it("uninstall says when the backup no longer matches and keeps it", async () => {
    writeFileSync(settings, ORIGINAL);
    await initCommand([], io());
    const edited = JSON.parse(readFileSync(settings, "utf8"));
    edited.theme = "light";
    writeFileSync(settings, JSON.stringify(edited, null, 2));
    const out = io();
    expect(await uninstallCommand([], out)).toBe(0);
    expect(JSON.parse(readFileSync(settings, "utf8")).theme).toBe("light");
    expect(out.text()).toContain("settings.json.spanlight-backup holds the file as it was before init");
    expect(readFileSync(`${settings}.spanlight-backup`, "utf8")).toBe(ORIGINAL);
  });

  it("uninstall --dry-run changes nothing", async () => {
    writeFileSync(settings, ORIGINAL);
    await initCommand([], io());
    const before = snapshot();
    const out = io();
    expect(await uninstallCommand(["--dry-run"], out)).toBe(0);
    expect(snapshot()).toEqual(before);
    expect(out.text()).toContain("would restore");
  });

  it("prints what a container needs with --docker", async () => {
    const out = io();
    await initCommand(["--docker", "--url", "http://127.0.0.1:9393"], out);
    const text = out.text();
    expect(text).toContain("--add-host=host.docker.internal:host-gateway");
    expect(text).toContain("-e SPANLIGHT_URL=http://host.docker.internal:9393/v1/hooks/claude-code");
    expect(text).toContain(`-v ${join(home, ".spanlight", "hooks")}:/opt/spanlight/hooks:ro`);
    expect(text).toContain("spanlight serve --host 0.0.0.0 --port 9393");
    expect(text).toContain("-e SPANLIGHT_TOKEN");
  });

  it("picks the Python hook when curl is not installed", async () => {
    const bin = join(tmp.path, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "python3"), "#!/bin/sh\n", { mode: 0o755 });
    await initCommand(["--mode", "command"], io({ PATH: bin }));
    const after = JSON.parse(readFileSync(settings, "utf8"));
    expect(after.hooks.Stop[0].hooks[0].command).toContain("python3 -I -S");
  });

  it.each([
    [["--mode", "fast"], /--mode must be one of http, command/],
    [["--url", "ftp://x"], /--url must be http/],
    [["--user", "--project"], /choose one/],
  ])("rejects bad options %j", async (args, message) => {
    await expect(initCommand(args, io())).rejects.toThrow(message);
  });
});

describe("a settings file that is a symlink (stow, chezmoi, home-manager)", () => {
  it("is written through: the link stays and the file it points to gets the hooks, then the original back", async () => {
    const dotfiles = join(tmp.path, "dotfiles", "claude");
    mkdirSync(dotfiles, { recursive: true });
    const real = join(dotfiles, "settings.json");
    writeFileSync(real, ORIGINAL, { mode: 0o600 });
    symlinkSync("../../dotfiles/claude/settings.json", settings); // relative, as stow makes them
    const link = () => (lstatSync(settings).isSymbolicLink() ? readlinkSync(settings) : "a regular file");

    expect(await initCommand([], io())).toBe(0);
    expect(link()).toBe("../../dotfiles/claude/settings.json");
    expect(JSON.parse(readFileSync(real, "utf8")).hooks.Stop).toBeDefined();
    expect(statSync(real).mode & 0o777).toBe(0o600);
    expect(readdirSync(dotfiles)).toEqual(["settings.json"]); // no temporary file left beside it
    // The backup is a plain copy next to the link, with the file's permissions.
    expect(lstatSync(`${settings}.spanlight-backup`).isFile()).toBe(true);
    expect(readFileSync(`${settings}.spanlight-backup`, "utf8")).toBe(ORIGINAL);
    expect(statSync(`${settings}.spanlight-backup`).mode & 0o777).toBe(0o600);

    expect(await uninstallCommand([], io())).toBe(0);
    expect(link()).toBe("../../dotfiles/claude/settings.json");
    expect(readFileSync(real, "utf8")).toBe(ORIGINAL);
    expect(statSync(real).mode & 0o777).toBe(0o600);
    expect(existsSync(`${settings}.spanlight-backup`)).toBe(false);
  });

  it("that dangles: init creates the file it points to, uninstall removes that file and keeps the link", async () => {
    const real = join(tmp.path, "dotfiles", "claude", "settings.json"); // not there yet, nor its directory
    symlinkSync(real, settings);

    expect(await initCommand([], io())).toBe(0);
    expect(readlinkSync(settings)).toBe(real);
    expect(JSON.parse(readFileSync(real, "utf8")).hooks.Stop).toBeDefined();
    expect(existsSync(`${settings}.spanlight-backup`)).toBe(false); // there was no file to back up

    const out = io();
    expect(await uninstallCommand([], out)).toBe(0);
    expect(out.text()).toContain("Spanlight had created it");
    // As before init: the user's link, pointing where it did, and no file behind it.
    expect(readlinkSync(settings)).toBe(real);
    expect(existsSync(real)).toBe(false);
    expect(readdirSync(join(home, ".claude"))).toEqual(["settings.json"]);
  });
});

describe("init / uninstall when a file cannot be read or written", () => {
  /** One line on stderr, no stack trace. */
  function oneLine(out: ReturnType<typeof io>): string {
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).not.toMatch(/\n|\bat /);
    return out.errors[0]!;
  }

  it("init: ~/.spanlight cannot be made (a file is in the way): one line, and the settings untouched", async () => {
    writeFileSync(settings, ORIGINAL);
    writeFileSync(join(home, ".spanlight"), "");
    const before = snapshot();
    const out = io();
    expect(await initCommand([], out)).toBe(1);
    expect(oneLine(out)).toBe(
      `spanlight init: cannot write ${join(home, ".spanlight", "hooks", "spanlight-hook.sh")}: ${join(home, ".spanlight")} is not a directory`,
    );
    // The scripts go first: no backup, no settings change.
    expect(snapshot()).toEqual(before);
    expect(out.lines).toEqual([]);
  });

  it("init: the settings cannot be written: one line, the settings as they were and no backup left", async () => {
    writeFileSync(settings, ORIGINAL);
    blockWrite(settings);
    const out = io();
    expect(await initCommand([], out)).toBe(1);
    expect(oneLine(out)).toBe(`spanlight init: cannot write ${settings}: is a directory`);
    expect(readFileSync(settings, "utf8")).toBe(ORIGINAL);
    // A backup left behind would be taken by uninstall for the file as it was before init.
    expect(existsSync(`${settings}.spanlight-backup`)).toBe(false);
  });

  it("init: a read-only ~/.claude gives one line naming the file (skipped as root, which chmod cannot stop)", async (ctx) => {
    if (!readOnlyDirsStopUs()) ctx.skip();
    writeFileSync(settings, ORIGINAL);
    chmodSync(join(home, ".claude"), 0o555);
    try {
      const out = io();
      expect(await initCommand([], out)).toBe(1);
      expect(oneLine(out)).toBe(`spanlight init: cannot write ${settings}.spanlight-backup: permission denied`);
      expect(readFileSync(settings, "utf8")).toBe(ORIGINAL);
    } finally {
      chmodSync(join(home, ".claude"), 0o755);
    }
  });

  it("init: a settings file that cannot be read gives one line and changes nothing", async () => {
    writeFileSync(join(home, "not-a-dir"), "");
    const place = captureIo({ home: join(home, "not-a-dir"), cwd: project });
    const before = snapshot();
    expect(await initCommand([], place)).toBe(1);
    expect(oneLine(place)).toBe(
      `spanlight init: cannot read ${join(home, "not-a-dir", ".claude", "settings.json")}: ${join(home, "not-a-dir")} is not a directory`,
    );
    expect(snapshot()).toEqual(before);
  });

  it("uninstall: the settings cannot be written: one line, and settings and backup kept", async () => {
    writeFileSync(settings, ORIGINAL);
    await initCommand([], io());
    const installed = readFileSync(settings, "utf8");
    blockWrite(settings);
    const out = io();
    expect(await uninstallCommand([], out)).toBe(1);
    expect(oneLine(out)).toBe(`spanlight uninstall: cannot write ${settings}: is a directory`);
    expect(readFileSync(settings, "utf8")).toBe(installed);
    expect(readFileSync(`${settings}.spanlight-backup`, "utf8")).toBe(ORIGINAL);
  });

  it("uninstall: a read-only ~/.claude gives one line (skipped as root, which chmod cannot stop)", async (ctx) => {
    if (!readOnlyDirsStopUs()) ctx.skip();
    writeFileSync(settings, ORIGINAL);
    await initCommand([], io());
    chmodSync(join(home, ".claude"), 0o555);
    try {
      const out = io();
      expect(await uninstallCommand([], out)).toBe(1);
      expect(oneLine(out)).toBe(`spanlight uninstall: cannot write ${settings}: permission denied`);
    } finally {
      chmodSync(join(home, ".claude"), 0o755);
    }
  });
});

describe("init / uninstall without a home directory", () => {
  it("refuses instead of installing into the current directory", async () => {
    // "" as home would make ~/.claude and ~/.spanlight relative to the process's directory: run in
    // the project, so a regression writes there (and is seen), never into the source tree.
    const cwd = process.cwd();
    process.chdir(project);
    try {
      const out = captureIo({ home: "", cwd: project });
      expect(await initCommand(["--mode", "command"], out)).toBe(1);
      expect(out.errors).toEqual(['spanlight init: no home directory to install into (found ""); set HOME to one']);
      expect(readdirSync(project)).toEqual([]);
      const un = captureIo({ home: "", cwd: project });
      expect(await uninstallCommand([], un)).toBe(1);
      expect(un.errors[0]).toMatch(/^spanlight uninstall: no home directory/);
    } finally {
      process.chdir(cwd);
    }
  });
});
