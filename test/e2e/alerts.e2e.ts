/** Alerts inside real VS Code against the emulator (URL in TRADESUITE_EMULATOR_URL). */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

interface AlertsState {
  alerts: { config?: string; problems: { errors: number; warnings: number; keptPrevious: boolean }; statuses: Array<{ ruleId: string; status: { kind: string } }>; recent: Array<{ ruleId: string; value: number; message: string }> };
  panels: Array<{ kind: string; symbol: string; timeframe?: string; markers: number }>;
}
const emulator = process.env.TRADESUITE_EMULATOR_URL ?? '';
const state = () => vscode.commands.executeCommand<AlertsState>('tradesuite.debug.state');

async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function post(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${emulator}/_emulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`emulator ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

async function lastPrice(): Promise<number> {
  const trades = (await (await fetch(`${emulator}/_emulator/trades?symbol=BTCUSDT&since=${Date.now() - 3_600_000}`)).json()) as { trades?: Array<{ price: number }> } | Array<{ price: number }>;
  const list = Array.isArray(trades) ? trades : (trades.trades ?? []);
  return list[list.length - 1]!.price;
}

describe('TradeSuite alerts in real VS Code', function () {
  let config: vscode.Uri;
  before(() => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'a workspace folder is open');
    config = vscode.Uri.joinPath(folder, 'alerts.yaml');
  });
  after(async () => {
    await vscode.workspace.fs.delete(config).then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('fires on a live trade, Open Chart opens its chart, and a YAML error is a diagnostic while the rule keeps running', async () => {
    // The market paused and the level just above its last price: the breakout is a tick on the shared emulator's
    // chart, not a 2 % wick in the later scenarios' screenshots.
    const { previous: rate } = (await post('rate', { tradesPerSecond: 0 })) as { previous: number };
    let yaml: string;
    try {
      const last = await lastPrice();
      const level = Math.ceil(last) + 5;
      yaml = `rules:\n  - id: btc-up\n    name: BTC breakout\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    above: ${level}\n    frequency: once\n`;
      await vscode.workspace.fs.writeFile(config, new TextEncoder().encode(yaml));
      // A price-level rule arms on its first trade: the last price again until it has seen one.
      await eventually('the rule to be armed', async () => {
        if ((await state()).alerts.statuses.find((s) => s.ruleId === 'btc-up')?.status.kind === 'armed') return true;
        await post('inject', { symbol: 'BTCUSDT', trades: [{ price: last, amount: 0.01, side: 'sell' }] });
        return undefined;
      });
      await post('inject', { symbol: 'BTCUSDT', trades: [{ price: level + 10, amount: 0.2, side: 'buy' }] });
      const fired = await eventually('the alert', async () => (await state()).alerts.recent.find((a) => a.ruleId === 'btc-up'));
      assert.equal(fired.value, level + 10);
    } finally {
      await post('rate', { tradesPerSecond: rate });
    }

    await vscode.commands.executeCommand('tradesuite.alerts.openChart', 'btc-up');
    await eventually('the rule chart', async () => ((await state()).panels.find((p) => p.kind === 'chart' && p.symbol === 'BTC/USDT' && p.timeframe === '1m') ? true : undefined));

    await vscode.workspace.fs.writeFile(config, new TextEncoder().encode(yaml + '  - name: broken\n    type: price_levle\n    symbol: BTC/USDT\n'));
    const typo = await eventually('a diagnostic for the typo', async () => vscode.languages.getDiagnostics(config).find((d) => /price_levle/.test(d.message)));
    assert.equal(typo.range.start.line, 9, 'line 10 (0-based 9)');
    assert.equal(typo.range.start.character, 10, 'column 11 (0-based 10)');
    assert.equal(typo.severity, vscode.DiagnosticSeverity.Error);
    assert.ok((await state()).alerts.statuses.some((s) => s.ruleId === 'btc-up'), 'the good rule keeps running');
    // What the Alerts view counts above its rules: the Problems panel's errors of the file.
    const errors = vscode.languages.getDiagnostics(config).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
    assert.ok(errors >= 1);
    assert.deepEqual((await state()).alerts.problems, { errors, warnings: vscode.languages.getDiagnostics(config).length - errors, keptPrevious: false }, 'what the Alerts view says above its rules');
  });

  it('a symbol the exchange does not list is a problem at its value, with a did-you-mean', async () => {
    const yaml = 'rules:\n  - id: typo\n    name: typo\n    type: price_level\n    exchange: binance\n    symbol: BTC/USTD\n    above: 1\n';
    await vscode.workspace.fs.writeFile(config, new TextEncoder().encode(yaml));
    const problem = await eventually('a diagnostic for the unknown symbol', async () => vscode.languages.getDiagnostics(config).find((d) => /BTC\/USTD/.test(d.message)));
    assert.equal(problem.message, 'unknown symbol "BTC/USTD" on binance: rule "typo" can never alert; did you mean "BTC/USDT"?');
    assert.deepEqual([problem.range.start.line, problem.range.start.character, problem.range.end.character], [5, 12, 20]);
    assert.equal(problem.severity, vscode.DiagnosticSeverity.Error);
  });

  it('backtest fire points appear as markers on the chart', async () => {
    const yaml = 'rules:\n  - id: rsi-any\n    name: EMA cross\n    type: indicator\n    exchange: binance\n    symbol: BTC/USDT\n    timeframe: 1m\n    left: close\n    op: crosses_above\n    right: { indicator: ema, period: 5 }\n    frequency: once_per_bar_close\n';
    await vscode.workspace.fs.writeFile(config, new TextEncoder().encode(yaml));
    await eventually('the rule', async () => ((await state()).alerts.statuses.some((s) => s.ruleId === 'rsi-any') ? true : undefined));
    const fires = await vscode.commands.executeCommand<Array<{ time: number }>>('tradesuite.alerts.backtest', 'rsi-any');
    assert.ok(Array.isArray(fires) && fires.length > 0, 'an EMA cross happens in a few hours of random walk');
    const chart = await eventually('markers on the chart', async () => (await state()).panels.find((p) => p.kind === 'chart' && p.markers > 0));
    assert.equal(chart.markers, fires.length);
  });

  it('alerts.configPath changed while running: the rules come from the file it names (watched), and back from alerts.yaml when cleared', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const other = vscode.Uri.joinPath(folder, 'team-rules.yaml');
    const rule = (id: string) => `  - id: ${id}\n    name: ${id}\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    above: 99999999\n`;
    await vscode.workspace.fs.writeFile(config, new TextEncoder().encode(`rules:\n${rule('from-alerts-yaml')}`));
    await eventually('the rule of alerts.yaml', async () => ((await state()).alerts.statuses.some((s) => s.ruleId === 'from-alerts-yaml') ? true : undefined));
    await vscode.workspace.fs.writeFile(other, new TextEncoder().encode(`rules:\n${rule('team-one')}`));
    const ids = async () => (await state()).alerts.statuses.map((s) => s.ruleId).sort().join(',');
    const setting = vscode.workspace.getConfiguration('tradesuite.alerts');
    try {
      await setting.update('configPath', 'team-rules.yaml', vscode.ConfigurationTarget.Global);
      await eventually('the rules of team-rules.yaml alone', async () => ((await ids()) === 'team-one' ? true : undefined));
      assert.equal((await state()).alerts.config, other.fsPath);
      // The file it names now is watched: a rule added there runs.
      await vscode.workspace.fs.writeFile(other, new TextEncoder().encode(`rules:\n${rule('team-one')}${rule('team-two')}`));
      await eventually('the rule added to team-rules.yaml', async () => ((await ids()) === 'team-one,team-two' ? true : undefined));
      // alerts.yaml changed meanwhile: named again, it is read as it is then.
      await vscode.workspace.fs.writeFile(config, new TextEncoder().encode(`rules:\n${rule('ignored')}`));
    } finally {
      await setting.update('configPath', undefined, vscode.ConfigurationTarget.Global);
    }
    await eventually('back on alerts.yaml, as it is now', async () => ((await ids()) === 'ignored' ? true : undefined));
    assert.equal((await state()).alerts.config, config.fsPath);
    await vscode.workspace.fs.delete(other);
  });
});
