import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
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
    if (statSync(p).isFile()) out[name] = readFileSync(p, "utf8");
  }
  return out;
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
