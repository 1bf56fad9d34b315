import {
  type Check,
  checkScripts,
  checkSpool,
  type DoctorOptions,
  findInstalled,
  hookBaseUrl,
} from "./doctor-local.ts";
import { checkCommandHook, checkHttpHook, checkOtlp, checkServer, notContacted } from "./doctor-remote.ts";
import { mayContact } from "./doctor-trust.ts";

export type { Check, DoctorOptions } from "./doctor-local.ts";

/** Every check of `spanlight doctor`, in the order a person would go through them. */
export async function runDoctor(options: DoctorOptions): Promise<Check[]> {
  const checks: Check[] = [];
  const installed = findInstalled(options, checks);
  const base = hookBaseUrl(installed, options);
  const token = options.token ?? options.env.SPANLIGHT_TOKEN ?? null;
  const opts = { ...options, token };
  checkScripts(options.home, checks);
  // The spool as it was before doctor's own test event went through it (and briefly sat there).
  const spool: Check[] = [];
  checkSpool(options, spool);
  if (installed && !mayContact(base, installed, options)) {
    checks.push(notContacted(base, installed, "Claude Code's events"));
  } else if ((await checkServer(base, token, checks)) && installed) {
    await checkCommandHook(installed, opts, base, checks);
    await checkHttpHook(installed, opts, checks);
    await checkOtlp(installed, opts, checks);
  }
  checks.push(...spool);
  return checks;
}
