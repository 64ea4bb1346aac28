import * as assert from 'node:assert/strict';
import { beforeColumnsNote } from '../../../src/webviews/heatmap/beforeColumns';

describe('heatmap: late trades older than every column held are said, not drawn', () => {
  it('names how many, in the singular and the plural; none (or a count not a whole positive number) says nothing', () => {
    assert.equal(beforeColumnsNote(1), '1 trade fetched late after a reconnect is older than the oldest column: not drawn');
    assert.equal(beforeColumnsNote(1412), '1,412 trades fetched late after a reconnect are older than the oldest column: not drawn');
    for (const none of [0, -3, 2.5, Number.NaN]) assert.equal(beforeColumnsNote(none), null, String(none));
  });
});
