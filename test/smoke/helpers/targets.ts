import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProgram } from "./processes.ts";

export const ROOT = join(import.meta.dirname, "..", "..", "..");

/** How to run Spanlight on one runtime: argv before the command, for `serve` and for the other commands. */
export type Target = { name: "deno" | "binary"; serve: string[]; cli: string[] };

export type Build = {
  dir: string;
  /** The dashboard build both targets serve (Deno from disk, the binary from its embedded copy). */
  uiDist: string;
  targets: Target[];
  /**
   * Environment for a run: a private HOME per target (init writes there) and a private Deno cache;
   * nothing inherited that could configure Spanlight.
   */
  env(target: Target["name"] | "build", extra?: Record<string, string>): Record<string, string>;
  cleanup(): void;
};

/** The real Deno executable from the npm package (after its postinstall) or its platform package. */
export function findDeno(root = ROOT): string {
  const exe = process.platform === "win32" ? "deno.exe" : "deno";
  const arch = process.arch === "x64" ? "x64" : "arm64";
  const os = process.platform === "linux" ? `linux-${arch}-glibc` : `${process.platform}-${arch}`;
  for (const path of [join(root, "node_modules", "deno", exe), join(root, "node_modules", "@deno", os, exe)]) {
    if (existsSync(path) && spawnSync(path, ["--version"]).status === 0) return path;
  }
  throw new Error("no Deno executable in node_modules (devDependency deno)");
}

/** The permissions a deno.json task grants, so the suite runs Deno exactly as users are told to. */
export function denoPermissions(task: "start" | "spanlight", root = ROOT): string[] {
  const tasks = JSON.parse(readFileSync(join(root, "deno.json"), "utf8")).tasks;
  const command: string = typeof tasks[task] === "string" ? tasks[task] : tasks[task].command;
  return command.split(/\s+/).filter((a) => a.startsWith("--allow-"));
}

async function must(what: string, argv: string[], env: Record<string, string>, cwd: string): Promise<void> {
  const res = await runProgram(argv, { env, cwd });
  if (res.code !== 0) throw new Error(`${what} failed (${res.code}):\n${res.stdout}\n${res.stderr}`);
}

/**
 * A throwaway checkout: the sources as they are now (src, otel, hooks, scripts, deno.json) with
 * node_modules linked, its own dashboard build and its own compiled binary. Building apart from
 * the working tree means a concurrent `vite build` of ui/dist can never race this suite, and the
 * suite never writes into the tree it tests.
 */
export async function buildTargets(): Promise<Build> {
  const dir = mkdtempSync(join(tmpdir(), "spanlight-smoke-"));
  const tree = join(dir, "tree");
  for (const d of ["src", "otel", "hooks", "scripts"]) cpSync(join(ROOT, d), join(tree, d), { recursive: true });
  for (const f of ["package.json", "deno.json"]) cpSync(join(ROOT, f), join(tree, f));
  symlinkSync(join(ROOT, "node_modules"), join(tree, "node_modules"), "junction");
  for (const name of ["deno", "binary", "build"]) mkdirSync(join(dir, `home-${name}`));

  const env = (target: Target["name"] | "build", extra: Record<string, string> = {}) => ({
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(dir, `home-${target}`),
    LANG: "C.UTF-8",
    DENO_DIR: join(dir, "deno-cache"),
    DENO_NO_UPDATE_CHECK: "1",
    ...extra,
  });

  const uiDist = join(tree, "ui", "dist");
  const vite = join(ROOT, "node_modules", "vite", "bin", "vite.js");
  const viteConfig = join(ROOT, "ui", "vite.config.ts");
  await must(
    "vite build",
    [
      process.execPath,
      vite,
      "build",
      "--config",
      viteConfig,
      "--outDir",
      uiDist,
      "--emptyOutDir",
      "--logLevel",
      "warn",
    ],
    env("build"),
    ROOT,
  );
  const binary = join(tree, "dist", process.platform === "win32" ? "spanlight.exe" : "spanlight");
  await must(
    "compile",
    [process.execPath, join(tree, "scripts", "compile.mjs"), "--ui", uiDist, "--outfile", binary],
    env("build"),
    tree,
  );

  return {
    dir,
    uiDist,
    targets: [
      {
        name: "deno",
        serve: [findDeno(), "run", ...denoPermissions("start", tree), join(tree, "src", "runtime", "deno.ts")],
        cli: [findDeno(), "run", ...denoPermissions("spanlight", tree), join(tree, "src", "runtime", "deno.ts")],
      },
      { name: "binary", serve: [binary], cli: [binary] },
    ],
    env,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
