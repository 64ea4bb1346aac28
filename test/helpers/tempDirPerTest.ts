/** Mocha hooks: a fresh scratch folder for each test of the describe block, removed after it. */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function tempDirPerTest(prefix: string): { readonly path: string } {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  });
  afterEach(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return {
    get path(): string {
      if (dir === undefined) throw new Error('the scratch folder is made in beforeEach: read it within a test');
      return dir;
    },
  };
}
