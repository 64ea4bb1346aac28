import * as assert from 'node:assert/strict';
import { chartThemeOptions } from '../../../src/webviews/chart/chartTheme';
import { withAlpha } from '../../../src/webviews/shared/color';
import { resolveTheme } from '../../../src/webviews/shared/themeModel';

describe('chartThemeOptions: the chart’s colours from the VS Code theme', () => {
  it('the separators between the candles’ and the footprint’s, delta’s and CVD’s panes are the theme’s border, as the axes’ borders', () => {
    for (const kind of ['vscode-dark', 'vscode-light', 'vscode-high-contrast']) {
      const theme = resolveTheme((name) => (name === '--vscode-panel-border' ? '#3c3c3c' : ''), [kind]);
      const options = chartThemeOptions(theme);
      const separator = options.layout?.panes?.separatorColor;
      assert.equal(separator, withAlpha('#3c3c3c', 0.9), kind);
      assert.equal(separator, options.rightPriceScale?.borderColor, kind);
      const hover = options.layout?.panes?.separatorHoverColor;
      assert.ok(hover !== undefined && hover !== separator, `${kind}: the resize handle stands out from the line`);
    }
  });

  it('a dark theme’s separator is dark, not lightweight-charts’ near-white #E0E3EB', () => {
    const dark = resolveTheme(() => '', ['vscode-dark']);
    assert.equal(chartThemeOptions(dark).layout?.panes?.separatorColor, withAlpha(dark.border, 0.9));
    assert.notEqual(chartThemeOptions(dark).layout?.panes?.separatorColor?.toUpperCase(), '#E0E3EB');
  });
});
