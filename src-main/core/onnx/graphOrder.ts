/**
 * The order in which the reader visits a graph's nodes. On the way it records who writes and who
 * reads each value, and refuses graphs in which a value has two writers, a node reads a value that
 * nothing provides, or the nodes form a cycle.
 */
import { quote, SUPPORTED } from './errors.ts';
import type { GraphValues } from './values.ts';

/**
 * Kahn's algorithm: an order in which every node comes after the producers of its inputs; fails on a cycle.
 * Fills `values.producer` and `values.consumers`; `values.slots` must already hold the initializers and
 * the data input. `sparse` names the sparse initializers, which Spinscope does not read.
 */
export function topologicalOrder(values: GraphValues, sparse: Set<string>): number[] {
  const { nodes, producer, consumers, slots } = values;
  const n = nodes.length;
  nodes.forEach((node, i) => {
    node.outputs.forEach((out) => {
      if (out === '') return;
      if (producer.has(out) || slots.has(out)) {
        values.fail(`${values.label(i)} writes ${quote(out)}, which is already ${values.origin(out)}`);
      }
      producer.set(out, i);
    });
  });
  const pending = new Int32Array(n);
  nodes.forEach((node, i) => {
    for (const inp of node.inputs) {
      if (inp === '') continue;
      let list = consumers.get(inp);
      if (!list) consumers.set(inp, (list = []));
      list.push(i);
      if (producer.has(inp)) pending[i]++;
      else if (!slots.has(inp)) {
        if (sparse.has(inp)) {
          values.fail(
            `${values.label(i)} uses the sparse initializer ${quote(inp)}; Spinscope reads dense tensors only`,
          );
        }
        values.fail(
          `${values.label(i)} reads ${quote(inp)}, which no node, initializer or graph input provides`,
        );
      }
    }
  });
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (pending[i] === 0) order.push(i);
  for (let k = 0; k < order.length; k++) {
    for (const out of nodes[order[k]].outputs) {
      if (out === '') continue;
      for (const c of consumers.get(out) ?? []) if (--pending[c] === 0) order.push(c);
    }
  }
  if (order.length < n) {
    // Walk back along unfinished producers until a node repeats: that node is on a cycle.
    let i = pending.findIndex((p) => p > 0);
    const visited = new Set<number>();
    while (!visited.has(i)) {
      visited.add(i);
      const back = nodes[i].inputs.find((inp) => {
        const p = producer.get(inp);
        return p !== undefined && pending[p] > 0;
      });
      if (back === undefined) break;
      i = producer.get(back)!;
    }
    values.fail(
      `the graph has a cycle through ${values.label(i)}; ONNX graphs must be acyclic (${SUPPORTED})`,
    );
  }
  return order;
}
