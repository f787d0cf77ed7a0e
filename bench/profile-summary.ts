/**
 * `node --import tsx bench/profile-summary.ts FILE.cpuprofile [TOP]`: self time by function (and
 * by package) of a V8 CPU profile written by `npm run bench -- --cpu-prof`, to see what bounds
 * the server.
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function where(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  if (url === '') return '(native)';
  const project = url.indexOf('/server/');
  return project >= 0 ? url.slice(project + 1) : url.replace(/^file:\/\//, '');
}

export function summarize(file: string, top = 25): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = profile.endTime - profile.startTime;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = `${functionName || '(anonymous)'} ${where(url)}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    if (functionName === '(idle)') continue;
    const pkg = where(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const idle = byFunction.get('(idle) (native)') ?? 0;
  const busy = totalUs - idle;
  const lines = [`${file}: ${(totalUs / 1e6).toFixed(1)} s profiled, ${((busy / totalUs) * 100).toFixed(0)} % busy`];
  const table = (title: string, map: Map<string, number>, n: number): void => {
    lines.push(`  ${title} (% of busy time)`);
    for (const [name, us] of [...map].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, n)) {
      lines.push(`    ${((us / busy) * 100).toFixed(1).padStart(5)} %  ${name}`);
    }
  };
  table('by package', byPackage, 12);
  table('by function (self time)', byFunction, top);
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node --import tsx bench/profile-summary.ts FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  console.log(summarize(file, Number(top ?? 25)));
}
