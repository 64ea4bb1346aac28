/** Writes a file so a reader sees the old content or the new one, never half of it (temp file + rename). */
import { promises as fs } from 'node:fs';

let tempCounter = 0;

/**
 * The temp file is `<file>.<pid>.<n>.tmp`, so a sweep can tell a dead process's leftovers from a live one's.
 * `durable` syncs the data to disk before the rename, so not even a power cut can leave a renamed but empty file.
 */
export async function writeAtomic(file: string, content: string | Uint8Array, options: { durable?: boolean } = {}): Promise<void> {
  const temp = `${file}.${process.pid}.${++tempCounter}.tmp`;
  try {
    if (options.durable) {
      const handle = await fs.open(temp, 'w');
      try {
        await handle.writeFile(content);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } else await fs.writeFile(temp, content, typeof content === 'string' ? 'utf8' : undefined);
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
}

/** The file a temp file of writeAtomic was for, and the pid of the process that wrote it; undefined for other names. */
export function tempFileOf(name: string): { readonly target: string; readonly pid: number } | undefined {
  const [, target, pid] = /^(.*)\.(\d+)\.\d+\.tmp$/.exec(name) ?? [];
  return target !== undefined && pid !== undefined ? { target, pid: Number(pid) } : undefined;
}

/** Whether a process with this pid exists (EPERM: it does, under another user). Our own pid counts as not running: our writes are awaited. */
export function isOtherProcessRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
