// `npm start` on a machine its code-server set-up does not cover: the desktop VS Code, or a message saying what to do.
import * as assert from 'node:assert/strict';
import { chooseWorkbench, type Machine } from '../../scripts/lib/workbenchChoice';

const linux: Machine = { platform: 'linux', arch: 'x64', debian: true, codeOnPath: false };

describe('npm start: which VS Code', () => {
  it('Linux x64 with apt: code-server (what CI proves), also when `code` is installed', () => {
    assert.deepEqual(chooseWorkbench(linux, false), { kind: 'code-server' });
    assert.deepEqual(chooseWorkbench({ ...linux, codeOnPath: true }, false), { kind: 'code-server' });
  });

  it('macOS, Windows, Linux on ARM or without apt, with `code` on PATH: the desktop VS Code, saying why', () => {
    for (const machine of [{ platform: 'darwin', arch: 'arm64' }, { platform: 'win32', arch: 'x64' }, { platform: 'linux', arch: 'arm64' }] as const) {
      const choice = chooseWorkbench({ ...machine, debian: false, codeOnPath: true }, false);
      assert.equal(choice.kind, 'desktop');
      assert.match(choice.kind === 'desktop' ? (choice.note ?? '') : '', new RegExp(`Linux x64 and Debian packages \\(this is ${machine.platform} ${machine.arch}\\): opening the demo in your desktop VS Code`));
    }
    const fedora = chooseWorkbench({ ...linux, debian: false, codeOnPath: true }, false);
    assert.match(fedora.kind === 'desktop' ? (fedora.note ?? '') : '', /this is Linux without apt/);
  });

  it('without `code`: a message naming the machine and what to install, never a Debian package error', () => {
    const mac = chooseWorkbench({ platform: 'darwin', arch: 'arm64', debian: false, codeOnPath: false }, false);
    assert.equal(mac.kind, 'unsupported');
    const message = mac.kind === 'unsupported' ? mac.message : '';
    assert.match(message, /this is darwin arm64/);
    assert.match(message, /install VS Code and its `code` command .*Shell Command: Install 'code' command in PATH/);
    assert.doesNotMatch(message, /TRADESUITE_SKIP_APT/, 'the Linux-only escape is not offered on a Mac');
    const fedora = chooseWorkbench({ ...linux, debian: false }, false);
    assert.match(fedora.kind === 'unsupported' ? fedora.message : '', /TRADESUITE_SKIP_APT=1 npm start/);
  });

  it('--desktop: the desktop VS Code wherever `code` is, else what to install', () => {
    assert.deepEqual(chooseWorkbench({ ...linux, codeOnPath: true }, true), { kind: 'desktop' });
    const without = chooseWorkbench(linux, true);
    assert.match(without.kind === 'unsupported' ? without.message : '', /^--desktop needs the `code` command on PATH/);
  });
});
