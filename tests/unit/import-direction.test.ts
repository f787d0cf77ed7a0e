/**
 * Layers only point down (issue #14): every relative import of every .ts file under server/,
 * shared/ and client/ is checked against the layer table below. An upward import, client → server,
 * shared → server/client, or shared → node:* fails the build with the offending file and line.
 *
 *   composition  server/app.ts, main.ts, services.ts, config.ts, cli/   (wires concrete parts)
 *   edge         server/http/, server/ws/, server/metrics.ts            (Fastify, ws, prom-client)
 *   features     server/export/ and any other service folder            (exports, import/restore…)
 *   sessions     server/sessions/                                       (domain services over docs)
 *   engine/meta  server/docs/ (the collab engine), server/meta/         (neither imports the other)
 *   cluster      server/cluster/                                        (implements storage's ports)
 *   storage      server/storage/                                        (owns DocStore, DocBus…)
 *   base         server/logger.ts                                       (the logger port)
 *   shared       shared/                                                (pure, isomorphic)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Layer = 'composition' | 'edge' | 'features' | 'sessions' | 'engine' | 'meta' | 'cluster' | 'storage' | 'base' | 'shared' | 'client';

/** What each layer may import (besides packages). */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  composition: ['composition', 'edge', 'features', 'sessions', 'engine', 'meta', 'cluster', 'storage', 'base', 'shared'],
  edge: ['edge', 'features', 'sessions', 'engine', 'meta', 'base', 'shared'],
  features: ['features', 'sessions', 'engine', 'meta', 'storage', 'base', 'shared'],
  sessions: ['sessions', 'engine', 'meta', 'storage', 'base', 'shared'],
  engine: ['engine', 'storage', 'base', 'shared'],
  meta: ['meta', 'storage', 'base', 'shared'],
  cluster: ['cluster', 'storage', 'base', 'shared'],
  storage: ['storage', 'base', 'shared'],
  base: ['base', 'shared'],
  shared: ['shared'],
  client: ['client', 'shared'],
};

const COMPOSITION_FILES = new Set(['app.ts', 'main.ts', 'services.ts', 'config.ts']);

/** The layer of a repo-relative path, or null for files outside the checked trees. */
export function layerOf(file: string): Layer | null {
  const parts = file.split('/');
  if (parts[0] === 'shared') return 'shared';
  if (parts[0] === 'client') return 'client';
  if (parts[0] !== 'server') return null;
  if (parts.length === 2) {
    if (COMPOSITION_FILES.has(parts[1]!)) return 'composition';
    if (parts[1] === 'logger.ts') return 'base';
    if (parts[1] === 'metrics.ts') return 'edge';
    // A new file at the top of server/ must say which layer it is in.
    throw new Error(`${file}: not in the layer table of tests/unit/import-direction.test.ts`);
  }
  switch (parts[1]) {
    case 'cli':
      return 'composition';
    case 'http':
    case 'ws':
      return 'edge';
    case 'sessions':
      return 'sessions';
    case 'docs':
      return 'engine';
    case 'meta':
      return 'meta';
    case 'cluster':
      return 'cluster';
    case 'storage':
      return 'storage';
    default:
      // server/export/ and folders of further service-level features (import/restore, …).
      return 'features';
  }
}

export interface ImportRef {
  specifier: string;
  line: number;
}

/** Every module specifier a TypeScript file imports or re-exports (static and dynamic). */
export function importsOf(source: string): ImportRef[] {
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  const refs: ImportRef[] = [];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) {
      refs.push({ specifier: match[1]!, line: source.slice(0, match.index).split('\n').length });
    }
  }
  return refs;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Every import that breaks the layering, as `file:line → target (why)`. */
export function violations(files: readonly string[], read: (file: string) => string): string[] {
  const found: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    if (!from) continue;
    for (const { specifier, line } of importsOf(read(file))) {
      const where = `${file}:${line} → ${specifier}`;
      if (specifier.startsWith('node:') || (from === 'shared' && isNodeBuiltin(specifier))) {
        if (from === 'shared' || from === 'client') found.push(`${where} (${from}/ must not use Node built-ins)`);
        continue;
      }
      if (!specifier.startsWith('.')) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      const to = target.startsWith('..') ? null : layerOf(target);
      if (!to) {
        found.push(`${where} (outside server/, shared/ and client/)`);
        continue;
      }
      if (!ALLOWED[from].includes(to)) found.push(`${where} (${from} may not import ${to})`);
    }
  }
  return found;
}

const NODE_BUILTINS = new Set(['fs', 'path', 'os', 'crypto', 'url', 'http', 'https', 'net', 'stream', 'zlib', 'child_process', 'buffer', 'events', 'util']);
function isNodeBuiltin(specifier: string): boolean {
  return NODE_BUILTINS.has(specifier.split('/')[0]!);
}

describe('import direction', () => {
  it('every import of server/, shared/ and client/ points down the layers', () => {
    const files = [...sourceFiles('server'), ...sourceFiles('shared'), ...sourceFiles('client/src')];
    expect(files.length).toBeGreaterThan(100);
    expect(violations(files, (file) => fs.readFileSync(path.join(ROOT, file), 'utf8'))).toEqual([]);
  });

  it('catches upward, cross-tree and Node imports', () => {
    const sources: Record<string, string> = {
      'server/storage/a.ts': "import type { DocService } from '../docs/doc-service.ts';",
      'server/cluster/b.ts': "import { Config } from '../config.ts';",
      'server/docs/c.ts': "export { x } from '../sessions/x.ts';\nimport { y } from '../cluster/y.ts';",
      'shared/d.ts': "import fs from 'node:fs';\nimport { z } from '../server/app.ts';",
      'client/src/e.ts': "const m = await import('../../server/app.ts');",
      'server/http/f.ts': "import { g } from '../storage/g.ts';",
      'server/sessions/ok.ts': "import { LiveDoc } from '../docs/live-doc.ts';\nimport type { Logger } from '../logger.ts';\nimport * as Y from 'yjs';",
    };
    const found = violations(Object.keys(sources), (file) => sources[file]!);
    expect(found).toEqual([
      "server/storage/a.ts:1 → ../docs/doc-service.ts (storage may not import engine)",
      "server/cluster/b.ts:1 → ../config.ts (cluster may not import composition)",
      "server/docs/c.ts:1 → ../sessions/x.ts (engine may not import sessions)",
      "server/docs/c.ts:2 → ../cluster/y.ts (engine may not import cluster)",
      'shared/d.ts:1 → node:fs (shared/ must not use Node built-ins)',
      "shared/d.ts:2 → ../server/app.ts (shared may not import composition)",
      "client/src/e.ts:1 → ../../server/app.ts (client may not import composition)",
      "server/http/f.ts:1 → ../storage/g.ts (edge may not import storage)",
    ]);
  });
});
