// The setup scripts as a user who is not root meets them: missing apt packages → the exact command to run.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPTS = [
  { name: 'setup-vscode-server.sh', packages: 'chromium libkrb5-dev build-essential python3 pkg-config' },
  { name: 'setup-clickhouse.sh', packages: 'clickhouse-server clickhouse-client' },
];

/**
 * Runs the script with PATH limited to stubs: dpkg-query reports nothing installed, id -u says 1000, uname says Linux
 * (a stub of `null` leaves that command out: a machine without it).
 */
function runAsUser(script: string, stubs: Record<string, string | null>, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradesuite-setup-test-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const all: Record<string, string | null> = { 'dpkg-query': 'exit 1', id: 'echo 1000', uname: 'echo Linux', ...stubs };
    for (const [name, body] of Object.entries(all)) if (body !== null) fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    fs.symlinkSync(spawnSync('bash', ['-c', 'command -v date']).stdout.toString().trim(), path.join(bin, 'date'));
    const r = spawnSync('/bin/bash', [script], { env: { PATH: bin, HOME: dir, TRADESUITE_CACHE: path.join(dir, 'cache'), ...env }, encoding: 'utf8', timeout: 20_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const { name, packages } of SCRIPTS) {
  const script = path.resolve(__dirname, '../../scripts', name);
  describe(`${name} without root`, () => {
    it('with sudo that needs a password: prints the sudo command to run and installs nothing', () => {
      const r = runAsUser(script, { sudo: 'exit 1', 'apt-get': 'echo apt-get must not run >&2; exit 3' });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`\\n {4}sudo apt-get update && sudo apt-get install -y ${packages}\\n`));
      assert.match(r.stderr, /then run this command again/);
      assert.doesNotMatch(r.stderr, /apt-get must not run/);
    });

    it('without sudo: prints the command to run as root', () => {
      const r = runAsUser(script, {});
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /sudo is not installed/);
      assert.match(r.stderr, new RegExp(`\\n {4}apt-get update && apt-get install -y ${packages}\\n`));
    });
  });
}

describe('setup-clickhouse.sh off Debian, or with a ClickHouse of its own', () => {
  const script = path.resolve(__dirname, '../../scripts/setup-clickhouse.sh');
  const noApt = { 'apt-get': 'echo apt-get must not run >&2; exit 3', sudo: 'echo sudo must not run >&2; exit 3' };

  for (const binary of ['clickhouse-server', 'clickhouse']) {
    it(`${binary} already on PATH (ClickHouse's own build, Homebrew): used as it is, nothing installed`, () => {
      const r = runAsUser(script, { ...noApt, [binary]: 'exit 0', 'dpkg-query': null });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`ready: .*/${binary}\\n`));
      assert.doesNotMatch(r.stderr, /must not run/);
    });
  }

  it('macOS without ClickHouse: says to install it with Homebrew, and why', () => {
    const r = runAsUser(script, { ...noApt, 'dpkg-query': null, uname: 'echo Darwin' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /not a Debian-based machine \(no apt\)/);
    assert.match(r.stderr, /need a ClickHouse server on PATH \(clickhouse-server or clickhouse\)\. Install it \(brew install --cask clickhouse\), then run this command again/);
    assert.doesNotMatch(r.stderr, /must not run/);
  });

  it('Linux without apt and without ClickHouse: points at ClickHouse\'s install page', () => {
    const r = runAsUser(script, { ...noApt, 'dpkg-query': null });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /Install it \(see https:\/\/clickhouse\.com\/docs\/install\)/);
  });

  it('TRADESUITE_SKIP_APT=1 without ClickHouse: says apt was skipped, not that a package is installed', () => {
    const r = runAsUser(script, noApt, { TRADESUITE_SKIP_APT: '1' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /apt is skipped \(TRADESUITE_SKIP_APT=1\)/);
    assert.doesNotMatch(r.stderr, /although its package is installed|must not run/);
  });
});
