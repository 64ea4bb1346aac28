import * as assert from 'node:assert/strict';
import { saveCodeCacheLater, type CodeCachedModule, type CodeCacheUse } from '../../src/core/util/codeCachedRequire';

/** A loaded module whose save() is counted, and resolves `saved` the first time. */
function loaded(cache: CodeCacheUse) {
  let saves = 0;
  let onSave: () => void = () => undefined;
  const saved = new Promise<void>((resolve) => (onSave = resolve));
  const module: CodeCachedModule = { exports: {}, cache, cacheFile: '/nowhere', save: async () => (saves++, onSave(), true) };
  return { module, saved, saves: () => saves };
}

describe('saveCodeCacheLater: a code cache written after a delay, or at once on a flush', () => {
  it('a miss is written once when its delay is over; a flush after it writes nothing more', async () => {
    const m = loaded('miss');
    const pending = saveCodeCacheLater(m.module, 0);
    await m.saved;
    await pending.flush();
    assert.equal(m.saves(), 1);
  });

  it('a flush before the delay writes at once, and the timer then writes nothing', async () => {
    const m = loaded('rejected');
    const pending = saveCodeCacheLater(m.module, 60_000);
    await pending.flush();
    await pending.flush();
    assert.equal(m.saves(), 1);
  });

  it('a hit has nothing to write', async () => {
    const m = loaded('hit');
    await saveCodeCacheLater(m.module, 0).flush();
    assert.equal(m.saves(), 0);
  });
});
