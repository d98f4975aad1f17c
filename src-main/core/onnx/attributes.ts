/** Typed access to a node's attributes, with ONNX defaults. */
import type { AttributeProto, NodeProto } from './proto.ts';

export const AttrType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
} as const;

export function attr(node: NodeProto, name: string): AttributeProto | undefined {
  for (let i = node.attributes.length - 1; i >= 0; i--)
    if (node.attributes[i].name === name) return node.attributes[i];
  return undefined;
}

export function hasAttr(node: NodeProto, name: string): boolean {
  return attr(node, name) !== undefined;
}

export function attrFloat(node: NodeProto, name: string, def: number): number {
  const a = attr(node, name);
  if (!a) return def;
  if (a.f !== null) return a.f;
  if (a.i !== null) return a.i;
  return def;
}

export function attrInt(node: NodeProto, name: string, def: number): number {
  const a = attr(node, name);
  if (!a) return def;
  if (a.i !== null) return a.i;
  if (a.f !== null && Number.isInteger(a.f)) return a.f;
  return def;
}

export function attrInts(node: NodeProto, name: string): number[] | undefined {
  const a = attr(node, name);
  if (!a) return undefined;
  if (a.ints.length > 0 || a.type === AttrType.INTS) return a.ints;
  if (a.i !== null) return [a.i];
  return a.ints;
}

export function attrString(node: NodeProto, name: string): string | undefined {
  const a = attr(node, name);
  return a?.s ? new TextDecoder().decode(a.s) : undefined;
}
