/**
 * Mocha hooks for a describe block of alert tests on rigs: every alert engine and rig a test started is closed after
 * it, pass or fail, the engines first (they hold subscriptions on the rigs' hubs).
 */
import { AlertEngine } from '../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../src/core/alerts/alertState';
import type { EmulatorOptions, ExchangeId } from '../../src/emulator';
import type { Rig } from './emulatorHub';
import { rigsPerTest } from './rigsPerTest';

type HubOptions = Parameters<typeof Rig.start>[1];

export interface AlertRigsPerTest {
  start<X extends ExchangeId = 'binance'>(emu?: EmulatorOptions & { exchange?: X }, hubOptions?: HubOptions): Promise<Rig<X>>;
  /** An alert engine on the rig's hub and log, its state in memory. */
  engine(rig: Rig<ExchangeId>): AlertEngine;
}

export function alertRigsPerTest(): AlertRigsPerTest {
  const engines: AlertEngine[] = [];
  // Registered before rigsPerTest's: Mocha runs a block's afterEach hooks in the order they were registered.
  afterEach(() => {
    for (const engine of engines.splice(0)) engine.dispose();
  });
  const rigs = rigsPerTest();
  return {
    start: (emu, hubOptions) => rigs.start(emu, hubOptions),
    engine(rig) {
      const engine = new AlertEngine({ hub: rig.hub, state: AlertStateStore.inMemory(), log: rig.log });
      engines.push(engine);
      return engine;
    },
  };
}
