// When a refused subscription is worth downloading the markets again: not for markets downloaded minutes ago, one
// download at a time, joined by a second refusal while it runs.
import * as assert from 'node:assert/strict';
import { MarketsRecheck, RECHECK_AFTER_MS } from '../../src/core/exchange/marketsRecheck';

describe('MarketsRecheck', () => {
  const rig = () => {
    let now = 1_000_000_000_000;
    const recheck = new MarketsRecheck({ now: () => now });
    const downloads: Array<() => void> = [];
    const download = () => new Promise<void>((resolve) => downloads.push(resolve));
    return { recheck, downloads, download, advance: (ms: number) => (now += ms), now: () => now };
  };

  it('does not doubt markets before any load, nor markets downloaded less than the recheck age ago', () => {
    const { recheck, download, advance, now } = rig();
    assert.equal(recheck.run(download), undefined, 'no markets yet');
    recheck.loaded(now());
    advance(RECHECK_AFTER_MS - 1);
    assert.equal(recheck.run(download), undefined);
    advance(1);
    assert.ok(recheck.run(download), 'due at the recheck age');
  });

  it('a cache saved long ago is due at once; a second refusal joins the download in flight; the new markets are not doubted', async () => {
    const { recheck, downloads, download, now } = rig();
    recheck.loaded(now() - 24 * 3600_000);
    const first = recheck.run(download);
    const second = recheck.run(download);
    assert.ok(first);
    assert.equal(second, first, 'one download');
    assert.equal(downloads.length, 1);
    recheck.loaded(now());
    downloads[0]!();
    await first;
    assert.equal(recheck.run(download), undefined, 'the markets just downloaded are not doubted');
  });

  it('after a download that fails, the markets are still old: the next refusal downloads again', async () => {
    const { recheck, now } = rig();
    recheck.loaded(now() - 24 * 3600_000);
    await assert.rejects(recheck.run(() => Promise.reject(new Error('offline')))!, /offline/);
    let ran = 0;
    await recheck.run(async () => void ran++);
    assert.equal(ran, 1);
  });

  it('now() (the user asked) downloads however recent the markets, and joins a download in flight instead of starting another', async () => {
    const { recheck, downloads, download, now } = rig();
    recheck.loaded(now());
    assert.equal(recheck.run(download), undefined, 'a doubt: too recent');
    const asked = recheck.now(download);
    assert.equal(downloads.length, 1, 'the user: downloaded');
    assert.equal(recheck.now(download), asked, 'asked again meanwhile: the same download');
    assert.equal(recheck.run(download), asked, 'a doubt meanwhile joins it');
    downloads[0]!();
    await asked;
    void recheck.now(download);
    assert.equal(downloads.length, 2, 'asked after it finished: another');
  });
});
