/** An error's text in a log line or a notification: its start and its length, on one line, never a whole HTML page. */
import { shownErrors } from '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RecordSource } from '../../../src/core/record/recordSource';
import type { EngineHost } from '../../../src/extension/engineHost';
import type { PanelRegistry } from '../../../src/extension/panels/panelRegistry';
import { registerReplayCommands } from '../../../src/extension/replayCommands';
import { readSettings } from '../../../src/extension/settings';
import { MAX_ERROR_TEXT_CHARS, errorText } from '../../../src/shared/util/shortText';

const HTML = `HTTP 502 <html><body>${'<p>Bad gateway</p>'.repeat(2_800)}</body></html>`;

describe("an error's text in a log line or a notification", () => {
  it('is whole up to MAX_ERROR_TEXT_CHARS; longer, its start, its end and its length, on one line', () => {
    const whole = 'x'.repeat(MAX_ERROR_TEXT_CHARS);
    assert.equal(errorText(whole), whole);
    const text = errorText(HTML);
    assert.ok(text.startsWith('HTTP 502 <html><body><p>Bad gateway</p>'), text.slice(0, 60));
    assert.ok(text.endsWith(`</html> (${HTML.length.toLocaleString('en')} characters)`), text.slice(-60));
    assert.ok(text.length < MAX_ERROR_TEXT_CHARS + 40, `${text.length} characters`);
    assert.equal(errorText('a\nb'), 'a\\nb', 'one line');
  });

  it("Open Replay: recordings that cannot be listed (the store's HTML error page) are said so, shortened", async () => {
    const source = { name: 'clickhouse host:8123/db', markets: () => Promise.reject(new Error(HTML)) } as unknown as RecordSource;
    const disposables = registerReplayCommands({ engine: { recordSource: source } as unknown as EngineHost, panels: {} as PanelRegistry, settings: () => readSettings().settings });
    try {
      const before = shownErrors().length;
      assert.equal(await vscode.commands.executeCommand('tradesuite.openReplay'), undefined);
      const [shown, ...more] = shownErrors().slice(before);
      assert.deepEqual(more, []);
      assert.ok(shown?.startsWith('The recordings in clickhouse host:8123/db could not be listed: HTTP 502 <html>'), shown?.slice(0, 100));
      assert.ok(shown.endsWith(`(${HTML.length.toLocaleString('en')} characters)`), shown.slice(-60));
      assert.ok(shown.length < MAX_ERROR_TEXT_CHARS + 100, `${shown.length} characters`);
    } finally {
      for (const d of disposables) d.dispose();
    }
  });
});
