/**
 * alerts.yaml → validated rules, notifiers and diagnostics. Nothing throws: every problem is a diagnostic at the
 * exact node, and a bad rule (or a rule containing a YAML syntax error) is dropped without dropping the others.
 * Text beyond the bounds (bounds.ts: size, depth) never reaches the YAML library; a config that can never alert
 * (no rules) is an error. Linear in the text; loadAlertsConfig runs large files in a worker.
 */
import type { Document, Node } from 'yaml';
import { yaml } from './yaml';
import { TIMEFRAMES } from '../../timeframes';
import { FREQUENCIES, type AlertRule, type NotifierConfig, type RuleDefaults } from '../rules';
import { AliasResolver } from './aliases';
import { MAX_EXCHANGE_ID_CHARS } from '../../../shared/util/marketName';
import { checkBounds } from './bounds';
import type { AggregateDefinition } from '../../aggregate/aggregateDefinition';
import { parseAggregateSetting } from '../../aggregate/parseAggregateSetting';
import { DiagnosticSink, sortDiagnostics, type Diagnostic } from './diagnostics';
import { DEFAULTS_FIELDS, TOP_LEVEL_FIELDS } from './fields';
import { MapReader, spanOf } from './mapReader';
import { parseNotifier } from './parseNotifiers';
import { parseAutoPause, parseRule, ruleExchangeProblem, type RuleRanges } from './parseRule';

export interface AlertsConfig {
  readonly rules: readonly AlertRule[];
  readonly notifiers: readonly NotifierConfig[];
  readonly defaults: RuleDefaults;
  /** The file's `aggregates:`, which rules name with `exchange: aggregate` (the editor adds `tradesuite.aggregates`). */
  readonly aggregates: readonly AggregateDefinition[];
  /** Sorted by position; `severity: 'error'` ones dropped the node they are on. */
  readonly diagnostics: readonly Diagnostic[];
  /** Where each kept rule is, by rule id (for runtime errors, e.g. an unknown symbol, shown at the rule). */
  readonly ranges: ReadonlyMap<string, RuleRanges>;
}

export interface ParseOptions {
  /** When given, an `expires` at or before it is reported as a warning. */
  readonly now?: number;
}

export function parseAlertsConfig(text: string, options: ParseOptions = {}): AlertsConfig {
  const sink = new DiagnosticSink(text);
  const empty = { rules: [], notifiers: [], defaults: {}, aggregates: [], ranges: new Map<string, RuleRanges>() };
  const outOfBounds = checkBounds(text);
  if (outOfBounds) {
    sink.add(`${outOfBounds.message}; nothing in this file was read`, outOfBounds.offset, outOfBounds.offset + 1);
    return { ...empty, diagnostics: sink.diagnostics };
  }
  // Duplicate keys are found by MapReader in O(n): the library's uniqueKeys check is O(n²) per mapping.
  const doc = yaml().parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  const errorOffsets: number[] = [];
  for (const e of doc.errors) {
    const [start, end] = errorSpan(doc, text, e.code, e.pos);
    sink.add(yamlMessage(e.code, e.message), start, end);
    errorOffsets.push(e.pos[0], start);
  }
  for (const w of doc.warnings) sink.add(w.message, w.pos[0], w.pos[1], 'warning');
  const aliases = new AliasResolver(doc, sink);
  const root = aliases.resolve(doc.contents);
  if (root === null) {
    if (doc.errors.length === 0) sink.add(NO_RULES, 0, 0);
    return { ...empty, diagnostics: sortDiagnostics(sink.diagnostics) };
  }
  if (!yaml().isMap(root)) {
    if (doc.errors.length === 0) sink.add('alerts.yaml must be a mapping with a "rules:" list', ...spanOf(root, [0, 0]));
    return { ...empty, diagnostics: sortDiagnostics(sink.diagnostics) };
  }

  const top = new MapReader(root, sink, aliases);
  top.checkKeys(TOP_LEVEL_FIELDS, 'at the top level');
  if (top.has('version')) top.number('version', { integer: true, min: 1, max: 1 });
  const defaults = parseDefaults(top);
  const containsYamlError = (node: Node): boolean => {
    const r = node.range;
    return r !== undefined && r !== null && errorOffsets.some((o) => o >= r[0] && o < r[2]);
  };

  const rules: AlertRule[] = [];
  const ranges = new Map<string, RuleRanges>();
  const rulesNode = top.valueNode('rules');
  if (rulesNode === undefined) {
    if (doc.errors.length === 0) top.fail(`missing "rules:" list: ${NO_RULES}`, top.headSpan());
  } else if (rulesNode !== null && !yaml().isSeq(rulesNode)) {
    top.fail('"rules" must be a list (each item starting with "- ")', top.valueSpan('rules'));
  } else if (rulesNode !== null) {
    for (const [i, rawItem] of (rulesNode.items as unknown[]).entries()) {
      const item = top.resolve(rawItem);
      if (!yaml().isMap(item)) {
        sink.add('each rule must be a mapping such as { name: ..., type: price_level, symbol: ... }', ...spanOf(item, top.valueSpan('rules')));
        continue;
      }
      if (containsYamlError(item)) continue; // reported by the YAML parser; the rule is not trustworthy
      const parsed = parseRule(top.child(item, `rules[${i}]`), defaults, sink, options.now);
      if (!parsed) continue;
      if (ranges.has(parsed.rule.id)) {
        sink.add(`duplicate rule id "${parsed.rule.id}"${item.has('id') ? '' : ' (derived from the name)'}: ids must be unique; this rule is ignored`, ...parsed.idSpan);
        continue;
      }
      rules.push(parsed.rule);
      ranges.set(parsed.rule.id, parsed.ranges);
    }
  }

  const aggregates = parseAggregates(top, containsYamlError);

  const notifiers: NotifierConfig[] = [];
  const notifiersNode = top.valueNode('notifiers');
  if (notifiersNode !== undefined && notifiersNode !== null) {
    if (!yaml().isSeq(notifiersNode)) top.fail('"notifiers" must be a list', top.valueSpan('notifiers'));
    else {
      for (const [i, rawItem] of (notifiersNode.items as unknown[]).entries()) {
        const item = top.resolve(rawItem);
        if (!yaml().isMap(item)) {
          sink.add('each notifier must be a mapping such as { type: console }', ...spanOf(item, top.valueSpan('notifiers')));
          continue;
        }
        if (containsYamlError(item)) continue;
        const n = parseNotifier(top.child(item, `notifiers[${i}]`));
        if (n) notifiers.push(n);
      }
    }
  }
  if (rules.length === 0 && rulesNode !== undefined && sink.errorCount === 0) sink.add(NO_RULES, ...(rulesNode ? spanOf(rulesNode, top.keySpan('rules')) : top.keySpan('rules')));
  return { rules, notifiers, defaults, aggregates, diagnostics: sortDiagnostics(sink.diagnostics), ranges };
}

const NO_RULES = 'no rules: this config can never alert (add a rule under "rules:")';

function parseDefaults(top: MapReader): RuleDefaults {
  const m = top.map('defaults');
  if (!m) return {};
  m.subject = 'defaults';
  m.checkKeys(DEFAULTS_FIELDS, 'in defaults');
  const exchange = m.string('exchange', { maxLength: MAX_EXCHANGE_ID_CHARS, check: ruleExchangeProblem });
  const timeframe = m.oneOf('timeframe', TIMEFRAMES);
  const frequency = m.oneOf('frequency', FREQUENCIES);
  const cooldownMs = m.duration('cooldown');
  const autoPause = parseAutoPause(m);
  return {
    ...(exchange !== undefined ? { exchange } : {}),
    ...(timeframe !== undefined ? { timeframe } : {}),
    ...(frequency !== undefined ? { frequency } : {}),
    ...(cooldownMs !== undefined ? { cooldownMs } : {}),
    ...(autoPause !== undefined ? { autoPause } : {}),
  };
}

/** `aggregates:`, a list in the shape of the setting `tradesuite.aggregates`; a bad or repeated entry is an error at it and left out. */
function parseAggregates(top: MapReader, containsYamlError: (node: Node) => boolean): AggregateDefinition[] {
  const node = top.valueNode('aggregates');
  if (node === undefined || node === null) return [];
  if (!yaml().isSeq(node)) {
    top.fail('"aggregates" must be a list of { name, legs, price, usdtIsUsd }', top.valueSpan('aggregates'));
    return [];
  }
  const out: AggregateDefinition[] = [];
  (node.items as unknown[]).forEach((rawItem, i) => {
    const item = top.resolve(rawItem);
    const span = spanOf(item, top.valueSpan('aggregates'));
    if (item !== null && containsYamlError(item)) return;
    let raw: unknown;
    try {
      raw = yaml().isMap(item) ? item.toJSON() : yaml().isScalar(item) ? item.value : item;
    } catch {
      raw = undefined;
    }
    const parsed = parseAggregateSetting(raw, `aggregates[${i}]`);
    if (typeof parsed === 'string') top.fail(parsed, span);
    else if (out.some((a) => a.name === parsed.name)) top.fail(`aggregates[${i}].name: "${parsed.name}" is defined twice`, span);
    else out.push(parsed);
  });
  return out;
}

/**
 * Where to show a YAML error. An unterminated quoted string is reported by the parser where the file ends; the
 * place to fix is its opening quote, so that line is shown instead.
 */
function errorSpan(doc: Document, text: string, code: string, pos: readonly [number, number]): [number, number] {
  if (code !== 'MISSING_CHAR') return [pos[0], pos[1]];
  let open: number | undefined;
  yaml().visit(doc, {
    Scalar(_key, node) {
      const r = node.range;
      if (yaml().isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && r && r[0] < pos[0] && r[1] >= pos[0]) open = r[0];
    },
  });
  if (open === undefined) return [pos[0], pos[1]];
  const lineEnd = text.indexOf('\n', open);
  return [open, lineEnd < 0 ? text.length : lineEnd];
}

function yamlMessage(code: string, message: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'duplicate field: each field may appear only once in a mapping';
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed for indentation in YAML; use spaces';
    default:
      return `YAML syntax error: ${message}`;
  }
}
