/** The bot fault matrices' tools: a config of a candle and a tick rule on two markets, a spawned bot raced against its death, and the checks after it stops. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ExchangeEmulator, ExchangeId } from '../../src/emulator';
import { referenceCandles, roundCandle } from './referenceCandles';
import { startBot, type SpawnedBot } from './spawnBot';

/** A candle rule and a tick rule on each of two markets (`bars`, `ticks` on the first; `bars-eth`, `ticks-eth` on the second), at levels true data never reaches. */
export function botConfig(exchange: ExchangeId, first: string, second: string): string {
  const rules = (suffix: string, symbol: string) =>
    `  - name: bars${suffix}\n    type: percentage_change\n    exchange: ${exchange}\n    symbol: ${symbol}\n    timeframe: 1m\n    lookback: 2\n    above: 50\n` +
    `  - name: ticks${suffix}\n    type: cvd_change\n    exchange: ${exchange}\n    symbol: ${symbol}\n    window: 2s\n    above: 1000000\n`;
  return 'notifiers:\n  - type: console\n    json: true\nrules:\n' + rules('', first) + rules('-eth', second);
}
export const RULES = ['bars', 'ticks', 'bars-eth', 'ticks-eth'] as const;

/**
 * The bot, and a race of each wait against its death (a dead bot fails the test at once, with its last lines).
 * `watch`: hot-reload the config (off by default); `state`: where the rule state persists (in memory by default).
 */
export function spawnBot(
  emulator: ExchangeEmulator<ExchangeId>,
  dir: string,
  name: string,
  options: { readonly watch?: boolean; readonly state?: string } = {},
): { bot: SpawnedBot; until(re: RegExp, ms?: number, past?: boolean): Promise<string> } {
  const bot = startBot([
    '--config',
    path.join(dir, 'alerts.yaml'),
    '--exchange-url',
    `${emulator.exchange}=${emulator.url}`,
    ...(options.watch === true ? [] : ['--no-watch']),
    ...(options.state !== undefined ? ['--state', options.state] : []),
    '--cache-dir',
    path.join(dir, `cache-${name}`),
  ]);
  const died = bot.exited.then((code) => {
    throw new Error(`the bot exited with ${code}:\n${[...bot.out, ...bot.err].slice(-15).join('\n')}`);
  });
  died.catch(() => undefined); // raced below; a bot that is stopped on purpose is not an error here
  return { bot, until: (re, ms = 40_000, past = false) => Promise.race([past ? bot.line(re, ms) : bot.nextLine(re, ms), died]) };
}

/**
 * Until every rule's latest state line reads armed. An `armed` line seen once is not enough: under load a rule went
 * armed, then left it, then armed again, and a test that took the first for "armed now" read the rest as a fault's.
 */
export async function untilArmed(bot: SpawnedBot, until: (re: RegExp, ms?: number) => Promise<string>, rules: readonly string[] = RULES, ms = 40_000): Promise<void> {
  const latest = (rule: string) => [...bot.out, ...bot.err].filter((l) => l.includes(`rule ${rule}: `)).at(-1);
  while (!rules.every((rule) => latest(rule)?.endsWith(`rule ${rule}: armed`) === true)) await until(/rule [\w-]+: /, ms);
}

/** Matches the first line matching `second` printed after one matching `first` (the order in the bot's output). */
export function lineAfter(first: RegExp, second: RegExp): RegExp {
  let seenFirst = false;
  const re = new RegExp(`(${first.source})|(${second.source})`);
  re.test = (line: string) => {
    if (seenFirst) return second.test(line);
    seenFirst = first.test(line);
    return false;
  };
  return re;
}

/** SIGTERM: a clean exit, no unhandled error, nothing fired, no closed bar revised (the engine logs each revision). */
export async function stopBot(bot: SpawnedBot): Promise<void> {
  bot.child.kill('SIGTERM');
  assert.equal(await bot.exited, 0, 'alive until told to stop, then a clean exit');
  assert.ok(!bot.err.some((l) => /unhandled|fatal/i.test(l)), bot.err.join('\n'));
  assert.deepEqual(bot.out.filter((l) => l.includes('"ruleId"')), [], 'nothing fired');
  assert.deepEqual([...bot.out, ...bot.err].filter((l) => /was revised after its close/.test(l)), [], 'no closed bar was revised');
}

/** Every 1m bar the bot cached for `symbol` (it persists what it holds on SIGTERM) equals the ground truth; returns their times. */
export async function assertCachedTrue(emulator: ExchangeEmulator<ExchangeId>, cacheDir: string, symbol: string): Promise<number[]> {
  const cached = await fs.readFile(path.join(cacheDir, emulator.exchange, symbol.replace(/[/:]/g, '_'), '1m.csv'), 'utf8');
  const rows = cached.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  const truth = new Map(referenceCandles(emulator.trades(symbol), '1m').map((c) => [c.time, roundCandle(c)]));
  assert.ok(rows.length > 0, `${symbol}: bars are cached`);
  for (const [time, open, high, low, close, volume] of rows) {
    assert.deepEqual(roundCandle({ time: time!, open: open!, high: high!, low: low!, close: close!, volume: volume! }), truth.get(time!), `the cached ${symbol} ${new Date(time!).toISOString()} bar`);
  }
  return rows.map((r) => r[0]!);
}
