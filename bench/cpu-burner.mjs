// A control for the export benchmark: a process that only burns CPU, `share` of one core, so a
// run with export off can lose the same CPU that export uses and show what that alone costs
// ingest. It spins until its own CPU time catches up with share × elapsed time, then sleeps a
// millisecond: timer slack and preemption do not make it burn less than asked.
// Run: node bench/cpu-burner.mjs 0.4
const share = Math.min(1, Math.max(0, Number(process.argv[2])));
const t0 = performance.now();
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const cpu0 = cpuMs();

function tick() {
  const owed = () => share * (performance.now() - t0) - (cpuMs() - cpu0);
  // Bounded spins, so a stall (the process got no CPU for a while) is repaid over several ticks.
  const until = performance.now() + 10;
  while (owed() > 0 && performance.now() < until) {
    // busy on purpose
  }
  setTimeout(tick, 1);
}
tick();
