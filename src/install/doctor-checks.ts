import {
  type Check,
  checkScripts,
  checkSpool,
  type DoctorOptions,
  findInstalled,
  hookBaseUrl,
} from "./doctor-local.ts";
import { checkCommandHook, checkHttpHook, checkOtlp, checkServer } from "./doctor-remote.ts";

export type { Check, DoctorOptions } from "./doctor-local.ts";

/** Every check of `spanlight doctor`, in the order a person would go through them. */
export async function runDoctor(options: DoctorOptions): Promise<Check[]> {
  const checks: Check[] = [];
  const installed = findInstalled(options, checks);
  const base = hookBaseUrl(installed, options);
  const token = options.token ?? options.env.SPANLIGHT_TOKEN ?? null;
  const opts = { ...options, token };
  checkScripts(options.home, checks);
  const up = await checkServer(base, token, checks);
  if (installed && up) {
    await checkCommandHook(installed, opts, base, checks);
    await checkHttpHook(installed, opts, checks);
    await checkOtlp(installed, token, checks);
  }
  checkSpool(options, checks);
  return checks;
}
