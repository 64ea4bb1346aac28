/**
 * The candles' price format, which their price axis labels with: the last-price label, the crosshair's and the
 * scale's marks read as the legend, the book, the DOM and the tape write prices (59,603.79). A format of the
 * candle series, not the chart's `localization.priceFormatter`, which would also write the delta's, CVD's and
 * lanes' volumes with the market's price decimals.
 */
import type { PriceFormatCustom } from 'lightweight-charts';
import { formatPrice } from '../shared/format';

/** Made again when the decimals change (a tick size learnt): the formatter, called per label per frame, only formats. */
export function candlePriceFormat(decimals: number): PriceFormatCustom {
  const minMove = Number((10 ** -decimals).toFixed(decimals));
  return { type: 'custom', minMove, formatter: (price: number) => formatPrice(price, decimals) };
}
