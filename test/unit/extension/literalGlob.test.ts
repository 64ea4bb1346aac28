import * as assert from 'node:assert/strict';
import { literalGlob } from '../../../src/extension/alerts/literalGlob';

describe('literalGlob: a file name as a glob matching only itself', () => {
  it('leaves a plain name alone and puts each glob character in brackets (] first in its brackets, as VS Code reads it)', () => {
    assert.equal(literalGlob('alerts.yaml'), 'alerts.yaml');
    assert.equal(literalGlob('a[1]{x,y}*?.yaml'), 'a[[]1[]][{]x,y[}][*][?].yaml');
  });
});
