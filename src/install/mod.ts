export { FileAccessError, isFsError, readIfExists, removeFile, writeFileAtomic } from "./apply-files.ts";
export { CONTAINER_HOOKS_DIR, toDockerSetup, toDockerText, toRunArgs } from "./docker-snippet.ts";
export { HOOK_SCRIPT_NAMES, type HookScriptName, hookScript, hookScriptVersion, scriptFor } from "./hook-assets.ts";
export {
  DEFAULT_BASE_URL,
  HOOK_CLIENTS,
  HOOK_MODES,
  type HookClient,
  type HookMode,
  isSpanlightHandler,
  toHookCommand,
  toHookEntries,
  toHookUrl,
} from "./hook-entries.ts";
export { COMMAND_ONLY_EVENTS, SKIPPED_EVENTS, spanlightEvents } from "./hook-events.ts";
export { backupPath, hooksDir, type Scope, settingsPath, spoolDir } from "./install-paths.ts";
export {
  dockerEnvFile,
  type FileWrite,
  type InitOptions,
  type InitPlan,
  planInit,
  planUninstall,
  toPort,
  type UninstallPlan,
} from "./install-plan.ts";
export { toOtelEnv } from "./otel-env.ts";
export { SettingsError } from "./settings-error.ts";
export { hasSpanlight, MANAGED_ENV_KEY, parseSettings, spanlightHandlers } from "./settings-merge.ts";
export { toUnifiedDiff } from "./text-diff.ts";
