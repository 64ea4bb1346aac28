// The tape's columns are laid out by its stylesheet: these checks read media/tape.css, lay its grid out as CSS grid
// does (flexible tracks with least widths) and compare the columns with the widths of what they show.
import * as assert from 'node:assert/strict';
import { layout, tapeCss, tapeMins, tracks } from '../../helpers/tapeGrid';

const css = tapeCss;

/** DejaVu Sans Bold's advance widths in em (hmtx / unitsPerEm 2048), the widest of the usual UI fonts: a big print's row is bold. */
const BOLD_EM: Readonly<Record<string, number>> = { digit: 1425 / 2048, ',': 778 / 2048, '.': 778 / 2048, ':': 819 / 2048, K: 1587 / 2048 };
const boldWidth = (text: string, fontPx: number) => [...text].reduce((w, ch) => w + ((/\d/.test(ch) ? BOLD_EM.digit : BOLD_EM[ch]) ?? Number.NaN), 0) * fontPx;

const gap = Number(/column-gap: (\d+)px/.exec(css)?.[1]);
const padding = Number(/padding: 0 (\d+)px/.exec(css)?.[1]);

/** The template a selector gets at `width` px: the last rule for it whose media query holds (the stylesheet's order). */
function templateAt(selector: string, width: number): string {
  let found: string | undefined;
  const rule = /(?:@media \(max-width: (\d+)px\) \{)|([^{}]+)\{([^{}]*)\}|\}/g;
  let media: number | undefined;
  for (const m of css.matchAll(rule)) {
    if (m[1] !== undefined) media = Number(m[1]);
    else if (m[2] !== undefined) {
      const selectors = m[2].split(',').map((s) => s.trim());
      const template = /grid-template-columns: ([^;]+);/.exec(m[3] ?? '')?.[1];
      if (template && selectors.includes(selector) && (media === undefined || width <= media)) found = template;
    } else media = undefined;
  }
  assert.ok(found, `${selector}: a template at ${width} px`);
  return found;
}

const LAYOUTS = [
  { name: "a market's tape", selector: '.tape-row', price: 1, size: 2, value: 3 },
  { name: "an aggregate's tape (the exchange column)", selector: '.with-venue .tape-row', price: 2, size: 3, value: 4 },
] as const;

describe("webviews/tape columns (media/tape.css)", () => {
  it('the stylesheet is read: least widths, gap, padding', () => {
    assert.deepEqual([...tapeMins.keys()].sort(), ['price', 'short-time', 'time', 'value', 'venue-code']);
    assert.equal(gap, 8);
    assert.equal(padding, 8);
  });

  for (const fontPx of [13, 16]) {
    for (const l of LAYOUTS) {
      it(`${l.name} at ${fontPx} px: from the narrowest tape (260 px) up, a bold time and a 9-character price fit, as a value does where shown, and no row is wider than the tape`, () => {
        const time = boldWidth('05:34:18.812', fontPx);
        const price = boldWidth('59,975.00', fontPx);
        const value = boldWidth('357.7K', fontPx);
        for (let width = 260; width <= 900; width++) {
          const columns = tracks(templateAt(l.selector, width), fontPx);
          const sizes = layout(columns, width - 2 * padding - (columns.length - 1) * gap);
          const at = `${width} px: ${sizes.map((w) => w.toFixed(1)).join(' | ')}`;
          assert.ok((sizes[0] ?? 0) >= time, `${at}: the time (${time.toFixed(1)} px)`);
          assert.ok((sizes[l.price] ?? 0) >= price, `${at}: the price (${price.toFixed(1)} px)`);
          if (columns.length > l.value) assert.ok((sizes[l.value] ?? 0) >= value, `${at}: the value (${value.toFixed(1)} px)`);
          assert.ok(sizes.reduce((a, b) => a + b, 0) + 2 * padding + (columns.length - 1) * gap <= width + 1e-9, `${at}: within the tape`);
        }
      });
    }
  }

  it('at 13 px the value shows only beside a size column of its own (≥ 55 px, a "1,234.5")', () => {
    for (const l of LAYOUTS) {
      for (let width = 260; width <= 900; width++) {
        const columns = tracks(templateAt(l.selector, width), 13);
        if (columns.length <= l.value) continue;
        const sizes = layout(columns, width - 2 * padding - (columns.length - 1) * gap);
        assert.ok((sizes[l.size] ?? 0) >= 55, `${l.name} at ${width} px: size ${sizes[l.size]?.toFixed(1)}`);
      }
    }
  });
});
