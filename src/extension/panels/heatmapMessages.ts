/**
 * How a frame's heatmap messages combine: new columns append, older ones prepend, a snapshot supersedes both and the
 * missing spans (it carries every one; of two `heatmap/tradesMissing`, the newest wins).
 */
import type { MergeRules } from './frameCoalescer';

export const HEATMAP_MERGE_RULES: MergeRules = {
  'heatmap/columns': { merge: (queued, next) => ({ method: 'heatmap/columns', params: { columns: [...queued.params.columns, ...next.params.columns] } }) },
  'heatmap/older': { merge: (queued, next) => ({ method: 'heatmap/older', params: { columns: [...next.params.columns, ...queued.params.columns] } }) },
  'heatmap/snapshot': { supersedes: ['heatmap/columns', 'heatmap/older', 'heatmap/tradesMissing'] },
};
