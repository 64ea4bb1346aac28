/**
 * A pid no running process has, as a killed writer's is: above every pid Linux hands out (its limit is 2^22) and
 * macOS's (99,999), and checked with signal 0. Spawning a process and waiting for its exit gives one too, but costs a
 * process start: seconds on a loaded machine.
 */
export function deadPid(): number {
  for (let pid = 2 ** 22; pid < 2 ** 22 + 1000; pid++) {
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
  throw new Error('no pid above 2^22 is free of a process: cannot name a dead writer');
}
