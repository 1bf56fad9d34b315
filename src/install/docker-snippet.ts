import type { HookMode } from "./hook-entries.ts";
import { toHookUrl } from "./hook-entries.ts";

/** Where the docker snippet mounts the host's ~/.spanlight/hooks inside a container (read-only). */
export const CONTAINER_HOOKS_DIR = "/opt/spanlight/hooks";
/** Docker's name for the host, made resolvable on Linux by `--add-host=…:host-gateway`. */
export const DOCKER_HOST_NAME = "host.docker.internal";

export type DockerSetup = {
  /** Base URL as a container reaches the server. */
  baseUrl: string;
  /** Variables for the container (no secrets: the token is passed through from the caller's env). */
  env: Record<string, string>;
  hostHooksDir: string;
  /** How to start the server so containers can reach it. */
  serveCommand: string;
};

export function toDockerSetup(options: { port: number; hostHooksDir: string }): DockerSetup {
  const baseUrl = `http://${DOCKER_HOST_NAME}:${options.port}`;
  return {
    baseUrl,
    env: { SPANLIGHT_URL: toHookUrl(baseUrl), SPANLIGHT_HOOKS_DIR: CONTAINER_HOOKS_DIR },
    hostHooksDir: options.hostHooksDir,
    // Containers reach the host through the bridge, not loopback; off loopback a token is required.
    serveCommand: `SPANLIGHT_TOKEN=<token> spanlight serve --host 0.0.0.0 --port ${options.port}`,
  };
}

/** `docker run` options; with an env file, the variables come from it. */
export function toRunArgs(setup: DockerSetup, envFile: string | null): string[] {
  return [
    `--add-host=${DOCKER_HOST_NAME}:host-gateway`,
    ...(envFile ? [`--env-file ${envFile}`] : Object.entries(setup.env).map(([k, v]) => `-e ${k}=${v}`)),
    "-e SPANLIGHT_TOKEN",
    `-v ${setup.hostHooksDir}:${CONTAINER_HOOKS_DIR}:ro`,
  ];
}

/** The env file `init --docker --project` writes. */
export function toEnvFile(setup: DockerSetup): string {
  return `${Object.entries(setup.env)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n")}\n`;
}

/** The text `init --docker` prints. */
export function toDockerText(setup: DockerSetup, mode: HookMode, envFile: string | null): string {
  return [
    "Containerised agents:",
    "  1. Start the server where containers can reach it (a token is required off loopback):",
    `       ${setup.serveCommand}`,
    "  2. Run the agent's container with:",
    ...toRunArgs(setup, envFile).map((a) => `       ${a} \\`),
    "       <image> claude …",
    "     (export SPANLIGHT_TOKEN=<token> where docker runs; it is passed through, never written to a file.)",
    `  3. Hooks in the container (${mode} mode) run ${CONTAINER_HOOKS_DIR}/spanlight-hook.* from the read-only mount;`,
    "     the spool stays in the container (~/.spanlight/spool; mount a volume there to keep it across restarts).",
  ].join("\n");
}
