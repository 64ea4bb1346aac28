/**
 * A command's edit of a list setting (favourites, recorded markets, aggregates), read raw from settings.json: the
 * entries it does not touch are written back as they were, and a value that is not a list is left alone with a
 * message naming it (spread as a list, a string became its characters and an object threw "not iterable").
 */
import { show } from '../core/exchange/plausible';

export type ListEdit = { readonly next: readonly unknown[] } | { readonly problem: string };

/** `setting`'s list with `item` in it (`on`) or out of it; unchanged entries keep their place. */
export function toggled(setting: string, raw: unknown, item: string, on: boolean): ListEdit {
  const current = listOf(setting, raw, `${on ? 'add' : 'remove'} ${JSON.stringify(item)}`);
  if ('problem' in current) return current;
  const { list } = current;
  if (!on) return { next: list.filter((x) => x !== item) };
  return { next: list.includes(item) ? list : [...list, item] };
}

/** `setting`'s list with `item` appended. */
export function appended(setting: string, raw: unknown, item: unknown, what: string): ListEdit {
  const current = listOf(setting, raw, `add ${what}`);
  return 'problem' in current ? current : { next: [...current.list, item] };
}

function listOf(setting: string, raw: unknown, to: string): { readonly list: readonly unknown[] } | { readonly problem: string } {
  if (raw === undefined) return { list: [] };
  if (Array.isArray(raw)) return { list: raw as readonly unknown[] };
  return { problem: `tradesuite.${setting} in your settings is ${show(raw)}, not a list: correct it (or remove it) to ${to}; it was left as it is` };
}
