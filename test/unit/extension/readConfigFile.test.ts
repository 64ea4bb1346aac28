// alerts.yaml on disk is read with Node's fs: vscode.workspace.fs asks the workbench first on every call, and while
// the window opens that answer came a second late, the Alerts view's rules with it.
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readConfigFile } from '../../../src/extension/alerts/readConfigFile';

describe('Reading alerts.yaml', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'alerts-read-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads a file on disk without vscode.workspace.fs, as UTF-8 without its BOM', async () => {
    const file = path.join(dir, 'alerts.yaml');
    await fs.writeFile(file, '\uFEFFversion: 1\nrules: [] # café\n');
    assert.equal((vscode.workspace as { fs?: unknown }).fs, undefined, 'the fake has no workspace.fs: using it would throw');
    const read = await readConfigFile(vscode.Uri.file(file), 1000);
    assert.deepEqual(read, { size: 32, text: 'version: 1\nrules: [] # café\n' });
  });

  it('refuses a file over the limit unread, and throws for a missing one', async () => {
    const file = path.join(dir, 'alerts.yaml');
    await fs.writeFile(file, 'x'.repeat(101));
    assert.deepEqual(await readConfigFile(vscode.Uri.file(file), 100), { size: 101, text: undefined });
    await assert.rejects(readConfigFile(vscode.Uri.file(path.join(dir, 'none.yaml')), 100));
  });

  it('reads a file of a virtual workspace through vscode.workspace.fs', async () => {
    const uri = { scheme: 'vscode-vfs', fsPath: '/repo/alerts.yaml' } as vscode.Uri;
    const asked: string[] = [];
    const workspace = vscode.workspace as { fs?: unknown };
    workspace.fs = {
      stat: (u: vscode.Uri) => (asked.push(`stat ${u.scheme}`), Promise.resolve({ size: 3 })),
      readFile: (u: vscode.Uri) => (asked.push(`read ${u.scheme}`), Promise.resolve(new TextEncoder().encode('a: 1'.slice(0, 3)))),
    };
    try {
      assert.deepEqual(await readConfigFile(uri, 100), { size: 3, text: 'a: ' });
      assert.deepEqual(asked, ['stat vscode-vfs', 'read vscode-vfs']);
    } finally {
      delete workspace.fs;
    }
  });
});
