import * as assert from 'node:assert/strict';
import { luminance, mix, parseColor, withAlpha } from '../../../src/webviews/shared/color';
import { resolveTheme, sameTheme, themeKindFromClasses } from '../../../src/webviews/shared/themeModel';

describe('webviews/color', () => {
  it('parses hex and rgb() forms', () => {
    assert.deepEqual(parseColor('#fff'), { r: 255, g: 255, b: 255, a: 1 });
    assert.deepEqual(parseColor('#89d185'), { r: 0x89, g: 0xd1, b: 0x85, a: 1 });
    assert.deepEqual(parseColor('#ffffff80'), { r: 255, g: 255, b: 255, a: 128 / 255 });
    assert.deepEqual(parseColor('rgba(10, 20, 30, 0.5)'), { r: 10, g: 20, b: 30, a: 0.5 });
    assert.deepEqual(parseColor('rgb(10 20 30 / 50%)'), { r: 10, g: 20, b: 30, a: 0.5 });
    assert.equal(parseColor('var(--x)'), null);
    assert.equal(parseColor('#12345'), null);
  });

  it('withAlpha multiplies the alpha; unparsable colours pass through', () => {
    assert.equal(withAlpha('#89d185', 0.4), 'rgba(137, 209, 133, 0.4)');
    assert.equal(withAlpha('#ffffff80', 0.5), 'rgba(255, 255, 255, 0.251)');
    assert.equal(withAlpha('red', 0.5), 'red');
  });

  it('mix and luminance', () => {
    assert.equal(mix('#000000', '#ffffff', 0.5), 'rgba(128, 128, 128, 1)');
    assert.ok(luminance('#ffffff')! > 0.99);
    assert.ok(luminance('#1e1e1e')! < 0.05);
  });
});

describe('webviews/themeModel', () => {
  const vars: Record<string, string> = {
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-foreground': ' #cccccc ',
    '--vscode-charts-green': '#89d185',
    '--vscode-font-size': '14px',
  };

  it('reads the variables and falls back per kind', () => {
    const t = resolveTheme((n) => vars[n] ?? '', ['vscode-dark']);
    assert.equal(t.kind, 'dark');
    assert.equal(t.background, '#1f1f1f');
    assert.equal(t.foreground, '#cccccc');
    assert.equal(t.green, '#89d185');
    assert.equal(t.red, '#f14c4c', 'dark fallback');
    assert.equal(t.fontSize, 14);
    const light = resolveTheme(() => '', ['vscode-light']);
    assert.equal(light.kind, 'light');
    assert.equal(light.background, '#ffffff');
    assert.equal(light.fontSize, 13);
  });

  it('derives the kind from body classes, else from the background', () => {
    assert.equal(themeKindFromClasses(['vscode-high-contrast']), 'high-contrast');
    assert.equal(themeKindFromClasses(['vscode-high-contrast', 'vscode-high-contrast-light']), 'high-contrast-light');
    assert.equal(themeKindFromClasses([], '#fafafa'), 'light');
    assert.equal(themeKindFromClasses([], '#101010'), 'dark');
  });

  it('sameTheme notices any change', () => {
    const a = resolveTheme((n) => vars[n] ?? '', ['vscode-dark']);
    assert.ok(sameTheme(a, resolveTheme((n) => vars[n] ?? '', ['vscode-dark'])));
    assert.ok(!sameTheme(a, resolveTheme((n) => (n === '--vscode-charts-red' ? '#ff0000' : (vars[n] ?? '')), ['vscode-dark'])));
  });
});
