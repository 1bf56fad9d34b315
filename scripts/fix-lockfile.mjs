#!/usr/bin/env node
// Run after `npm install` changes package-lock.json. The npm registry this project installs from
// serves only the Linux builds of platform packages (biome, deno, …), so npm leaves the other
// platforms' optional entries out of the lockfile — and `npm ci` then refuses the lockfile as out
// of sync. This adds those entries back, marked optional with their os/cpu/libc, so `npm ci`
// skips them on Linux exactly as it would with a complete lockfile.
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const pkgs = lock.packages;
const OS = ["darwin", "linux", "win32", "android", "freebsd", "openbsd", "sunos", "aix"];
const CPU = ["arm64", "x64", "ia32", "arm", "ppc64", "s390x", "riscv64", "loong64"];
const has = (name, word) => new RegExp(`(^|-)${word}(-|$)`).test(name);
const added = [];

for (const [key, meta] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    if (pkgs[`node_modules/${dep}`] || pkgs[`${key}/node_modules/${dep}`]) continue;
    const name = dep.split("/").pop();
    const entry = { version, optional: true, ...(meta.dev ? { dev: true } : {}) };
    const os = OS.filter((o) => has(name, o));
    const cpu = name.includes("aarch64") ? ["arm64"] : CPU.filter((c) => has(name, c));
    if (os.length) entry.os = os;
    if (cpu.length) entry.cpu = cpu;
    if (name.includes("musl")) entry.libc = ["musl"];
    else if (os.length === 1 && os[0] === "linux") entry.libc = ["glibc"];
    pkgs[`node_modules/${dep}`] = entry;
    added.push(`${dep}@${version}`);
  }
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `added ${added.length} platform entries: ${added.join(", ")}` : "lockfile complete");
