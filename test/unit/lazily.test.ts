import * as assert from 'node:assert/strict';
import { lazily } from '../../src/core/util/lazily';
import { yaml } from '../../src/core/alerts/config/yaml';
import { hyparquet, hyparquetWriter } from '../../src/core/record/parquet';

describe('lazily: a dependency required on its first use', () => {
  it('requires it once, on the first call', () => {
    let loads = 0;
    const module = lazily('a module', () => ({ id: ++loads }));
    assert.equal(loads, 0);
    assert.equal(module().id, 1);
    assert.equal(module().id, 1);
    assert.equal(loads, 1);
  });

  it('a chunk that cannot load: the error names it and says why, its own error as the cause; the next call tries again', () => {
    let calls = 0;
    const missing = new Error("Cannot find module './yaml.js'");
    const module = lazily("the yaml parser (dist/yaml.js in the extension's build)", () => {
      calls++;
      throw missing;
    });
    assert.throws(module, (err: Error) => err.message === "the yaml parser (dist/yaml.js in the extension's build) did not load: Error: Cannot find module './yaml.js'" && err.cause === missing);
    assert.throws(module);
    assert.equal(calls, 2);
  });

  it('the yaml parser and Parquet reader and writer it serves', () => {
    assert.equal(typeof yaml().parseDocument, 'function');
    assert.equal(typeof hyparquet().parquetMetadataAsync, 'function');
    assert.equal(typeof hyparquetWriter().parquetWriteBuffer, 'function');
  });
});
