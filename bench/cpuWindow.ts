/** Process CPU (user + system, in % of one core) and the rate at which `counted()` grows, over the next `seconds`. */
export async function cpuOver(seconds: number, counted: () => number): Promise<{ tradesPerSecond: number; cpuPercent: number }> {
  const n0 = counted();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const n = counted() - n0;
  return { tradesPerSecond: Math.round(n / elapsed), cpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / elapsed) * 1000) / 10 };
}
