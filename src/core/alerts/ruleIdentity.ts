import type { AlertRule } from './rules';

/** "BTC above 61k" → "btc-above-61k"; undefined when nothing usable is left. */
export function slugifyRuleName(name: string): string | undefined {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? undefined : slug;
}

/**
 * Identifies a rule's definition: equal fingerprints mean an unchanged rule (its runtime and state are kept on a
 * config reload); a different one means the rule was edited, which re-arms it. `enabled` is left out so that
 * switching a rule off and on again keeps its state.
 */
export function ruleFingerprint(rule: AlertRule): string {
  const { enabled: _enabled, ...definition } = rule;
  return stableStringify(definition);
}

/** JSON with object keys sorted and undefined fields left out: equal values give equal strings. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
