// biome-ignore-all lint/suspicious/noTemplateCurlyInString: expected shell command lines
import { describe, expect, it } from "vitest";
import {
  type InitOptions,
  isSpanlightHandler,
  MANAGED_ENV_KEY,
  planInit,
  planUninstall,
  SettingsError,
  SKIPPED_EVENTS,
  spanlightEvents,
} from "../../src/install/mod.ts";

const WHERE = { home: "/home/u", cwd: "/work/p" };
const USER_SETTINGS = "/home/u/.claude/settings.json";

const BASE: InitOptions = {
  scope: "user",
  mode: "http",
  baseUrl: "http://127.0.0.1:9292",
  client: "sh",
  docker: false,
  otel: false,
  token: false,
  hostName: "laptop",
};

// A user's own settings, with odd-but-valid formatting (4-space indent, key order) to be preserved.
const FOREIGN = `{
    "model": "sonnet",
    "hooks": {
        "PreToolUse": [
            {
                "matcher": "Bash",
                "hooks": [{ "type": "command", "command": "~/bin/guard.sh" }]
            }
        ],
        "Notification": [
            { "matcher": "", "hooks": [{ "type": "command", "command": "notify-send claude" }] }
        ]
    },
    "permissions": { "allow": ["Bash(ls:*)"] }
}
`;

// biome-ignore lint/suspicious/noExplicitAny: parsed settings JSON, probed by path in assertions
type Json = Record<string, any>;

function init(options: Partial<InitOptions> = {}, settings: string | null = FOREIGN, backupExists = false) {
  return planInit({ ...BASE, ...options }, WHERE, { settings, backupExists });
}

function hooksOf(text: string): Json {
  return JSON.parse(text).hooks;
}

describe("spanlight init plan", () => {
  it("appends its own matcher groups after foreign hooks and keeps every other setting", () => {
    const plan = init();
    const after = JSON.parse(plan.after);
    expect(after.model).toBe("sonnet");
    expect(after.permissions).toEqual({ allow: ["Bash(ls:*)"] });
    expect(after.hooks.PreToolUse[0]).toEqual({
      matcher: "Bash",
      hooks: [{ type: "command", command: "~/bin/guard.sh" }],
    });
    expect(after.hooks.PreToolUse).toHaveLength(2);
    expect(isSpanlightHandler(after.hooks.PreToolUse[1].hooks[0])).toBe(true);
    expect(after.hooks.Notification[0].hooks[0].command).toBe("notify-send claude");
    expect(plan.after).toMatch(/^ {4}"model"/m); // the file's own indentation
  });

  it("registers every event but the ones that change Claude Code's behaviour", () => {
    const hooks = hooksOf(init({}, null).after);
    expect(Object.keys(hooks).sort()).toEqual([...spanlightEvents()].sort());
    for (const skipped of ["WorktreeCreate", "WorktreeRemove", "MessageDisplay", "FileChanged"]) {
      expect(skipped in SKIPPED_EVENTS).toBe(true);
      expect(hooks[skipped]).toBeUndefined();
    }
  });

  it("uses HTTP hooks with a short timeout in http mode, and the command hook where only commands work", () => {
    const hooks = hooksOf(init({}, null).after);
    for (const [event, groups] of Object.entries(hooks)) {
      const handler = (groups as Json[])[0]!.hooks[0];
      if (event === "SessionStart" || event === "Setup") {
        expect(handler.type).toBe("command");
        expect(handler.command).toContain("spanlight-hook.sh");
      } else {
        expect(handler).toMatchObject({ type: "http", url: "http://127.0.0.1:9292/v1/hooks/claude-code" });
        expect(handler.timeout).toBeLessThanOrEqual(2);
        expect(handler.headers["X-Spanlight-Host"]).toBe("laptop");
        expect(handler.headers.Authorization).toBeUndefined();
      }
    }
  });

  it("uses the spooling command hook for every event in command mode", () => {
    const hooks = hooksOf(init({ mode: "command", client: "python", baseUrl: "http://127.0.0.1:9393" }, null).after);
    for (const groups of Object.values(hooks)) {
      const handler = (groups as Json[])[0]!.hooks[0];
      expect(handler.type).toBe("command");
      expect(handler.command).toBe(
        'SPANLIGHT_URL="${SPANLIGHT_URL:-http://127.0.0.1:9393/v1/hooks/claude-code}" python3 -I -S "${SPANLIGHT_HOOKS_DIR:-$HOME/.spanlight/hooks}/spanlight-hook.py" || true # spanlight',
      );
    }
  });

  it("sends the token from the environment, never writing it down", () => {
    const plan = init({ token: true }, null);
    const handler = hooksOf(plan.after).PreToolUse[0].hooks[0];
    expect(handler.headers.Authorization).toBe("Bearer $SPANLIGHT_TOKEN");
    expect(handler.allowedEnvVars).toContain("SPANLIGHT_TOKEN");
  });

  it("is idempotent: a second run plans no change and no second backup", () => {
    const first = init();
    const second = init({}, first.after, true);
    expect(second.changed).toBe(false);
    expect(second.after).toBe(first.after);
    expect(second.writes.map((w) => w.path)).not.toContain(USER_SETTINGS);
  });

  it("replaces its earlier hooks when run again with another mode", () => {
    const http = init();
    const command = init({ mode: "command" }, http.after, true);
    const hooks = hooksOf(command.after);
    expect(hooks.PreToolUse).toHaveLength(2);
    expect(hooks.PreToolUse[1].hooks[0].type).toBe("command");
    expect(init({}, command.after, true).after).toBe(http.after);
  });

  it("backs up no file an earlier init wrote: that is not the file as it was before Spanlight", () => {
    // A fresh machine: the first run creates the file, a second one with another mode rewrites it.
    const created = init({}, null);
    const again = init({ mode: "command" }, created.after, false);
    expect(again.changed).toBe(true);
    expect(again.writes.map((w) => w.path)).not.toContain(`${USER_SETTINGS}.spanlight-backup`);
    // With no backup, uninstall takes the file away again, as before the first run.
    expect(planUninstall("user", WHERE, { settings: again.after, backup: null }).after).toBeNull();
  });

  it("writes the scripts, then the backup of an existing file, then the settings that run the scripts", () => {
    const paths = init().writes.map((w) => w.path);
    expect(paths).toEqual([
      "/home/u/.spanlight/hooks/spanlight-hook.sh",
      "/home/u/.spanlight/hooks/spanlight-hook.py",
      `${USER_SETTINGS}.spanlight-backup`,
      USER_SETTINGS,
    ]);
    expect(init({}, null).writes.map((w) => w.path)).not.toContain(`${USER_SETTINGS}.spanlight-backup`);
  });

  it("writes project settings without a machine's host name", () => {
    const plan = init({ scope: "project" }, null);
    expect(plan.settingsPath).toBe("/work/p/.claude/settings.json");
    expect(hooksOf(plan.after).Stop[0].hooks[0].headers["X-Spanlight-Host"]).toBeUndefined();
  });

  it("points containers at host.docker.internal, reading URL and token from the container's environment", () => {
    const command = init({ docker: true, mode: "command", scope: "project" }, null);
    const handler = hooksOf(command.after).Stop[0].hooks[0];
    expect(handler.command).toBe(
      'sh "${SPANLIGHT_HOOKS_DIR:-$HOME/.spanlight/hooks}/spanlight-hook.sh" || true # spanlight',
    );
    const envFile = command.writes.find((w) => w.path === "/work/p/.spanlight/docker.env");
    expect(envFile?.text).toBe(
      "SPANLIGHT_URL=http://host.docker.internal:9292/v1/hooks/claude-code\nSPANLIGHT_HOOKS_DIR=/opt/spanlight/hooks\n",
    );
    // On another port the host's own sessions still reach the server: the host URL is baked in,
    // and in the container docker.env's SPANLIGHT_URL wins over it.
    const port = init({ docker: true, mode: "command", scope: "project", baseUrl: "http://127.0.0.1:9440" }, null);
    expect(hooksOf(port.after).Stop[0].hooks[0].command).toBe(
      'SPANLIGHT_URL="${SPANLIGHT_URL:-http://127.0.0.1:9440/v1/hooks/claude-code}" sh "${SPANLIGHT_HOOKS_DIR:-$HOME/.spanlight/hooks}/spanlight-hook.sh" || true # spanlight',
    );
    expect(port.writes.find((w) => w.path.endsWith("docker.env"))?.text).toContain(
      "SPANLIGHT_URL=http://host.docker.internal:9440/v1/hooks/claude-code",
    );
    const http = hooksOf(init({ docker: true, mode: "http" }, null).after).Stop[0].hooks[0];
    expect(http.url).toBe("http://host.docker.internal:9292/v1/hooks/claude-code");
    expect(http.headers).toMatchObject({
      Authorization: "Bearer $SPANLIGHT_TOKEN",
      "X-Spanlight-Container": "$HOSTNAME",
    });
  });

  it("writes the OpenTelemetry env block with --otel and lists the keys it added", () => {
    const env = JSON.parse(init({ otel: true }).after).env;
    expect(env).toMatchObject({
      CLAUDE_CODE_ENABLE_TELEMETRY: "1",
      OTEL_METRICS_EXPORTER: "otlp",
      OTEL_LOGS_EXPORTER: "otlp",
      OTEL_TRACES_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9292",
    });
    expect(env[MANAGED_ENV_KEY].split(",").map((e: string) => e.split("=")[0])).toContain(
      "OTEL_EXPORTER_OTLP_ENDPOINT",
    );
  });

  it("refuses to overwrite an env value the user set, naming it", () => {
    const mine = JSON.stringify({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" } });
    expect(() => init({ otel: true }, mine)).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT="http:\/\/collector:4318"/);
  });

  it.each([
    ['{ "hooks": { "PreToolUse": [ }', /not valid JSON \(line 1, column 30: expected a value, found "}"\)/],
    ["[1, 2]", /top level is not a JSON object/],
    ['{ "hooks": [] }', /"hooks" is not an object/],
    ['{ "hooks": { "Stop": {} } }', /"hooks.Stop" is not a list/],
    ['{ "env": "x" }', /"env" is not an object/],
  ])("refuses a malformed settings file %s with a clear error", (text, message) => {
    expect(() => init({}, text)).toThrow(SettingsError);
    expect(() => init({}, text)).toThrow(message);
  });
});

describe("spanlight uninstall plan", () => {
  function uninstall(settings: string | null, backup: string | null) {
    return planUninstall("user", WHERE, { settings, backup });
  }

  it("restores the original file byte for byte", () => {
    const installed = init({ otel: true }).after;
    const plan = uninstall(installed, FOREIGN);
    expect(plan.after).toBe(FOREIGN);
    expect(plan.restoredFromBackup).toBe(true);
  });

  it("restores the original even without a backup when the file was plainly formatted", () => {
    const original = `${JSON.stringify({ model: "opus", hooks: { Stop: [{ hooks: [{ type: "command", command: "x" }] }] } }, null, 2)}\n`;
    expect(uninstall(init({}, original).after, null).after).toBe(original);
  });

  it("deletes a settings file that only Spanlight wrote", () => {
    const plan = uninstall(init({ otel: true }, null).after, null);
    expect(plan.changed).toBe(true);
    expect(plan.after).toBeNull();
  });

  it("keeps the user's later edits and removes only Spanlight's entries", () => {
    const installed = JSON.parse(init({ otel: true }).after);
    installed.model = "opus";
    installed.env.MY_VAR = "1";
    installed.hooks.Stop.push({ matcher: "", hooks: [{ type: "command", command: "say done" }] });
    const plan = uninstall(JSON.stringify(installed, null, 4), FOREIGN);
    const after = JSON.parse(plan.after!);
    expect(plan.restoredFromBackup).toBe(false);
    expect(after.model).toBe("opus");
    expect(after.env).toEqual({ MY_VAR: "1" });
    expect(after.hooks).toEqual({
      ...JSON.parse(FOREIGN).hooks,
      Stop: [{ matcher: "", hooks: [{ type: "command", command: "say done" }] }],
    });
  });

  it("keeps an env value the user changed after init --otel: it is theirs now", () => {
    const installed = JSON.parse(init({ otel: true }, null).after);
    installed.env.OTEL_EXPORTER_OTLP_ENDPOINT = "http://collector:4318";
    const after = JSON.parse(uninstall(JSON.stringify(installed, null, 2), null).after!);
    expect(after).toEqual({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" } });
  });

  it("removes the keys an older version listed without their values", () => {
    const installed = JSON.parse(init({ otel: true }, null).after);
    const keys = (installed.env[MANAGED_ENV_KEY] as string).split(",").map((e) => e.split("=")[0]);
    installed.env[MANAGED_ENV_KEY] = keys.join(",");
    expect(uninstall(JSON.stringify(installed, null, 2), null).after).toBeNull();
  });

  it("changes nothing when there are no Spanlight hooks", () => {
    expect(uninstall(FOREIGN, null)).toMatchObject({ changed: false, after: FOREIGN });
    expect(uninstall(null, null)).toMatchObject({ changed: false, after: null });
  });
});
