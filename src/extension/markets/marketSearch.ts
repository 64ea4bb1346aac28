/** Find Market…'s search: the best few rows for a query over thousands of markets, found per keystroke in the host. */

export interface SearchableRow {
  readonly label: string;
  readonly description?: string;
  /** Set on inactive (halted, delisted) markets; they come after the active ones. */
  readonly detail?: string;
}

export interface MarketSearchResult<T> {
  /** The best rows, at most the limit asked for, best first. */
  readonly rows: readonly T[];
  /** How many rows match in all. */
  readonly total: number;
  /**
   * Whether VS Code's own filter would hide some of these rows: its quick pick keeps a row only where the whole
   * query is in its label or description, so rows found by separate words must be marked to be always shown.
   */
  readonly beyondVsCodeFilter: boolean;
}

/** How a word of the query sits in a row, best first: the whole label, its start, a word of it, inside it, the exchange. */
const enum Fit {
  Label = 0,
  LabelStart = 1,
  LabelWord = 2,
  LabelInside = 3,
  Description = 4,
  None = 5,
}

const WORD_STARTS = new Set(['/', ':', '-', '_', ' ', '.']);

/**
 * The rows of every market, searched without VS Code: its picker filters and sorts every row it holds on every
 * keystroke in the renderer, which over ~4,000 markets costs several frames. Each row's lower-cased label and
 * description are computed once, and a search is one pass (no sort): rows are bucketed by how well they fit and
 * taken bucket by bucket, in the rows' own order (by symbol) within a bucket.
 */
export class MarketSearch<T extends SearchableRow> {
  private readonly entries: ReadonlyArray<{ row: T; label: string; description: string; inactive: boolean }>;

  constructor(rows: readonly T[]) {
    this.entries = rows.map((row) => ({ row, label: row.label.toLowerCase(), description: (row.description ?? '').toLowerCase(), inactive: row.detail !== undefined }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The rows in which every word of the query is in the label or the description, ignoring case; best first. */
  best(query: string, limit: number): MarketSearchResult<T> {
    const words = query.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) return this.unfiltered(limit);
    // The rows whose whole label was typed come first, active then inactive (the user named the market); then bucket k
    // holds the rows whose summed fit is k, inactive rows after every active bucket.
    const perActivity = words.length * (Fit.None - 1) + 1;
    const buckets: T[][] = Array.from({ length: 2 * perActivity + 1 }, () => []);
    let total = 0;
    for (const e of this.entries) {
      let score = 0;
      for (const word of words) {
        const fit = fitOf(e.label, e.description, word);
        if (fit === Fit.None) {
          score = -1;
          break;
        }
        score += fit;
      }
      if (score < 0) continue;
      total++;
      buckets[score === 0 ? (e.inactive ? 1 : 0) : (e.inactive ? perActivity : 0) + score + 1]?.push(e.row);
    }
    const rows: T[] = [];
    for (const bucket of buckets) {
      rows.push(...bucket.slice(0, limit - rows.length));
      if (rows.length === limit) break;
    }
    return { rows, total, beyondVsCodeFilter: words.length > 1 };
  }

  private unfiltered(limit: number): MarketSearchResult<T> {
    const rows: T[] = [];
    for (const inactive of [false, true]) {
      for (const e of this.entries) {
        if (rows.length === limit) break;
        if (e.inactive === inactive) rows.push(e.row);
      }
    }
    return { rows, total: this.entries.length, beyondVsCodeFilter: false };
  }
}

function fitOf(label: string, description: string, word: string): Fit {
  const at = label.indexOf(word);
  if (at === 0) return word.length === label.length ? Fit.Label : Fit.LabelStart;
  if (at > 0) {
    // A later occurrence may start a word ("usd" inside "tusd/usdt" is found at 1, and starts the quote at 5).
    for (let from = at; from > 0; from = label.indexOf(word, from + 1)) if (WORD_STARTS.has(label.charAt(from - 1))) return Fit.LabelWord;
    return Fit.LabelInside;
  }
  return description.includes(word) ? Fit.Description : Fit.None;
}

/**
 * Whether the rows found for an earlier query hold every row matching the next one in the order found for it, so
 * VS Code's own filter narrows them and no new rows need be sent: both are one word, the next contains the earlier,
 * the earlier listed all its matches, and narrowing keeps the next one's order (a market typed in full moves to the
 * top). Sending no rows also keeps what the user has highlighted: rows replaced between VS Code's selection and its
 * accept arrive with no selection.
 */
export function heldRowsServe<T>(earlier: { query: string; found: MarketSearchResult<T> }, next: string, nextFound: MarketSearchResult<T>): boolean {
  const before = earlier.query.trim().toLowerCase();
  const after = next.trim().toLowerCase();
  const oneWord = (q: string) => !/\s/.test(q);
  if (earlier.found.total !== earlier.found.rows.length || !oneWord(before) || !oneWord(after) || !after.includes(before)) return false;
  const wanted = new Set(nextFound.rows);
  let i = 0;
  for (const row of earlier.found.rows) if (wanted.has(row) && row !== nextFound.rows[i++]) return false;
  return i === nextFound.rows.length;
}
