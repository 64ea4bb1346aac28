/** YAML aliases (`symbol: *sym`) resolved to the node they name, with a budget so no file can expand without bound. */
import type { Document, Node } from 'yaml';
import { yaml } from './yaml';
import { MAX_ALIAS_NODES } from './bounds';
import type { DiagnosticSink } from './diagnostics';

export class AliasResolver {
  private budget = MAX_ALIAS_NODES;
  private readonly sizes = new Map<unknown, number>();
  private exhausted = false;

  constructor(
    private readonly doc: Document,
    private readonly sink: DiagnosticSink,
  ) {}

  /** The node itself, or for an alias the anchored node (null, with a diagnostic, when it cannot be used). */
  resolve(node: unknown): Node | null {
    if (!yaml().isAlias(node)) return (node as Node | null | undefined) ?? null;
    const r = node.range ?? [0, 0];
    const target = node.resolve(this.doc) as Node | undefined;
    if (target === undefined) {
      this.sink.add(`unknown alias *${node.source}: define the anchor &${node.source} before using it`, r[0], r[1]);
      return null;
    }
    this.budget -= this.sizeOf(target);
    if (this.budget < 0) {
      if (!this.exhausted) this.sink.add(`aliases in this file stand for more than ${MAX_ALIAS_NODES.toLocaleString('en')} values in all: write the values out instead`, r[0], r[1]);
      this.exhausted = true;
      return null;
    }
    return target;
  }

  /** Nodes under `root` (aliases inside count one), without recursion, memoised per anchor. */
  private sizeOf(root: Node): number {
    const known = this.sizes.get(root);
    if (known !== undefined) return known;
    let n = 0;
    const stack: unknown[] = [root];
    while (stack.length > 0) {
      const x = stack.pop();
      n++;
      if (yaml().isMap(x) || yaml().isSeq(x)) stack.push(...(x.items as unknown[]));
      else if (yaml().isPair(x)) stack.push(x.key, x.value);
      if (n > MAX_ALIAS_NODES) break;
    }
    this.sizes.set(root, n);
    return n;
  }
}
