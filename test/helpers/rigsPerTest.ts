/** Mocha hooks for a describe block of rig tests: every rig a test started is closed after it, pass or fail. */
import type { EmulatorOptions, ExchangeId } from '../../src/emulator';
import { Rig } from './emulatorHub';

type HubOptions = Parameters<typeof Rig.start>[1];

export function rigsPerTest(): { start<X extends ExchangeId = 'binance'>(emu?: EmulatorOptions & { exchange?: X }, hubOptions?: HubOptions): Promise<Rig<X>> } {
  const started: Array<Rig<ExchangeId>> = [];
  afterEach(async () => {
    for (const rig of started.splice(0)) await rig.close();
  });
  return {
    async start<X extends ExchangeId = 'binance'>(emu: EmulatorOptions & { exchange?: X } = {}, hubOptions: HubOptions = {}): Promise<Rig<X>> {
      const rig = await Rig.start<X>(emu, hubOptions);
      started.push(rig);
      return rig;
    },
  };
}
