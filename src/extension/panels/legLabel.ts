/** An aggregate's leg as a panel names it. */
import { describeMarket, type MarketKey } from '../../core/keys';
import { MAX_LEG_LABEL_CHARS } from '../../shared/protocol';
import { clip } from '../../shared/util/clip';

/** "binance BTC/USDT", as long as the page takes (a setting's leg has up to 40 characters of exchange and 100 of symbol). */
export const legLabel = (leg: MarketKey): string => clip(describeMarket(leg), MAX_LEG_LABEL_CHARS);
