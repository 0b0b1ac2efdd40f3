import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers of DESIGN.md point down only, so no module of functions/ may
 * reach itself through its imports (type-only imports included: a circle of
 * types is still two modules that cannot be read one without the other).
 */
const ROOT = path.resolve(import.meta.dirname, '../../functions');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [file] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] ?? '');
  return found.map((spec) => path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'))).filter((target) => target.startsWith(ROOT));
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('the import graph of functions/', () => {
  it('has no circle', () => {
    const graph = new Map(sources(ROOT).map((file) => [file, importsOf(file)]));
    const named = cycles(graph).map((cycle) => cycle.map((file) => path.relative(ROOT, file)).join(' -> '));
    expect(named).toEqual([]);
  });
});
