/** Writes a file so a reader sees the old content or the new one, never half of it (temp file + rename). */
import { promises as fs } from 'node:fs';

let tempCounter = 0;

/** The temp file is `<file>.<pid>.<n>.tmp`, so a sweep can tell a dead process's leftovers from a live one's. */
export async function writeAtomic(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.${++tempCounter}.tmp`;
  try {
    await fs.writeFile(temp, content, 'utf8');
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
}
