/** The toolbar select is drawn again when what it shows, or what its choice does, changed. */
import * as assert from 'node:assert/strict';
import { sameSelectProps, type SelectProps } from '../../../src/webviews/shared/selectProps';

const SIZES = [
  { value: '0', label: 'all sizes' },
  { value: '10000', label: '≥ 10K' },
];

describe('webviews/shared the toolbar select', () => {
  it('is not drawn again for options built anew with the same content', () => {
    const onChange = () => undefined;
    assert.ok(sameSelectProps({ value: '0', label: 'Size', options: SIZES, onChange }, { value: '0', label: 'Size', options: SIZES.map((o) => ({ ...o })), onChange }));
    assert.ok(!sameSelectProps({ value: '0', label: 'Size', options: SIZES, onChange }, { value: '10000', label: 'Size', options: SIZES, onChange }));
  });

  it("takes a new onChange: the tape's size select, drawn again after the highlight changed, posts the new highlight with its choice", () => {
    // The tape's two selects post the whole filter: each one's onChange holds the other's value.
    type Filter = { minSize: number; highlightSize: number };
    const posted: Filter[] = [];
    const minSelect = (filter: Filter): SelectProps => ({ value: String(filter.minSize), label: 'Min', options: SIZES, onChange: (v) => posted.push({ ...filter, minSize: Number(v) }) });
    let drawn = minSelect({ minSize: 0, highlightSize: 50_000 });
    // The user chose a highlight of 100K; the host's snapshot carries the new filter, the min size unchanged.
    const next = minSelect({ minSize: 0, highlightSize: 100_000 });
    if (!sameSelectProps(drawn, next)) drawn = next;
    drawn.onChange('10000');
    assert.deepEqual(posted, [{ minSize: 10_000, highlightSize: 100_000 }], 'the highlight went back to 50K');
  });
});
