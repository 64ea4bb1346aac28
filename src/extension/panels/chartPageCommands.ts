/**
 * What a chart's page asks of the host, held to what a page may cost: a timeframe or footprint switch (a new
 * subscription: requests to the exchange), a volume profile mode (a write of settings.json) and a page of older bars
 * (a request to the exchange) are each acted on at most once per ASK_INTERVAL_MS and the latest ask wins
 * (PageAsks.costly). A user's clicks are acted on at once; a page sending them in a loop gets one line in the log.
 */
import { isTimeframe, type Timeframe } from '../../core/timeframes';
import { userMessage } from '../../core/util/log';
import type { HostMessage, VolumeProfileMode, WebviewMessage } from '../../shared/protocol';
import { quoteShort } from '../../shared/util/shortText';
import type { CostlyCommand, PageAsks } from './pageAsks';

/** What the commands act on: the chart panel. */
export interface ChartCommandTarget {
  setTimeframe(timeframe: Timeframe): void;
  /** The timeframes the chart's market has (its toolbar's list); empty while not known yet. */
  offeredTimeframes(): readonly string[];
  setFootprint(on: boolean): void;
  /** Writes the setting tradesuite.footprint.volumeProfile; settles once written. */
  writeVolumeProfile(mode: VolumeProfileMode): Promise<void>;
  /** The mode the setting holds now. */
  volumeProfile(): VolumeProfileMode;
  /** Starts loading older bars of the series shown (answered with chart/olderBars). */
  loadOlderBars(requestId: number, before: number, count: number): void;
  send(message: HostMessage): void;
  showError(message: string): void;
  /** A banner's condition ended (showError's message). */
  resolveError(message: string): void;
  /** A line in the log about the page (named by the panel, at most so many: a page may send its asks in a loop). */
  warn(line: string): void;
}

interface OlderBarsAsk {
  readonly requestId: number;
  readonly before: number;
  readonly count: number;
}

export class ChartPageCommands {
  private readonly timeframe: CostlyCommand<Timeframe>;
  private readonly footprint: CostlyCommand<boolean>;
  private readonly volumeProfile: CostlyCommand<VolumeProfileMode>;
  private readonly olderBars: CostlyCommand<OlderBarsAsk>;

  constructor(
    asks: Pick<PageAsks, 'costly'>,
    private readonly target: ChartCommandTarget,
  ) {
    this.timeframe = asks.costly('chart/setTimeframe', (timeframe: Timeframe) => target.setTimeframe(timeframe));
    this.footprint = asks.costly('chart/setFootprint', (on: boolean) => target.setFootprint(on));
    // Answered once the write settles, with the setting as it then is, for every ask the write stands for (the page
    // shows what it asked for meanwhile and counts its asks: VolumeProfileAsks).
    // A failed write's banner goes with the next write that succeeds.
    let failed: string | undefined;
    this.volumeProfile = asks.costly('chart/setVolumeProfile', (mode: VolumeProfileMode, answered: number) =>
      target
        .writeVolumeProfile(mode)
        .then(
          () => {
            if (failed !== undefined) target.resolveError(failed);
            failed = undefined;
          },
          (err: unknown) => target.showError((failed = `the volume profile setting could not be changed: ${userMessage(err)}`)),
        )
        .finally(() => target.send({ method: 'chart/volumeProfile', params: { mode: target.volumeProfile(), answered } })),
    );
    // The page waits for the answer to its latest request only (OlderBarsEdge): those it replaced need none.
    this.olderBars = asks.costly('chart/loadOlderBars', (a: OlderBarsAsk) => target.loadOlderBars(a.requestId, a.before, a.count));
  }

  /** A chart page's message; the other panels' messages are ignored. */
  handle(m: WebviewMessage): void {
    switch (m.method) {
      case 'chart/setTimeframe': {
        const asked = m.params.timeframe;
        const offered = this.target.offeredTimeframes();
        if (!isTimeframe(asked)) this.target.warn(`its page asked for unknown timeframe ${quoteShort(asked)}`);
        // Subscribing to it would fail, withdraw the bars shown and keep the chart (restored too) on a timeframe it cannot show.
        else if (offered.length > 0 && !offered.includes(asked)) this.target.warn(`its page asked for timeframe ${quoteShort(asked)}, which its market does not have (${offered.join(' ')})`);
        else this.timeframe.ask(asked);
        return;
      }
      case 'chart/setFootprint':
        this.footprint.ask(m.params.on);
        return;
      case 'chart/setVolumeProfile':
        this.volumeProfile.ask(m.params.mode);
        return;
      case 'chart/loadOlderBars':
        this.olderBars.ask(m.params);
        return;
      default:
        return; // the other panels' messages
    }
  }

  /** The series shown changed (timeframe, footprint, reconnect): an older-bars ask still waiting was about the old one. */
  seriesChanged(): void {
    this.olderBars.clear();
  }
}
