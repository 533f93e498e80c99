// Reads a V8 .cpuprofile and says where the time went: self time by function and by origin
// (a node_modules package, node internals, or a source folder of this repository).
import fs from 'node:fs';
import { REPO_ROOT } from './proc';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  startTime: number;
  endTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  share: number;
}

function originOf(url: string): string {
  if (!url) return '(native / GC / idle)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const file = url.replace(/^file:\/\//, '');
  if (file.startsWith(REPO_ROOT))
    return (
      file
        .slice(REPO_ROOT.length + 1)
        .split('/')
        .slice(0, -1)
        .join('/') || '.'
    );
  return file;
}

/**
 * Self time by function and by origin. With lastSeconds, only the samples of the final seconds
 * count (a server profiled with --cpu-prof: the load ran just before it stopped; startup is left out).
 */
export function summarizeProfile(
  file: string,
  top = 12,
  lastSeconds?: number,
): { byFunction: ProfileLine[]; byOrigin: ProfileLine[] } {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  // Samples taken inside the profiler's own inspector calls are not the code under test.
  const excluded = new Set<number>();
  const exclude = (node: ProfileNode, inside: boolean) => {
    const now =
      inside || node.callFrame.url === 'node:inspector' || node.callFrame.url === 'node:inspector/promises';
    if (now) excluded.add(node.id);
    for (const c of node.children ?? []) exclude(nodes.get(c)!, now);
  };
  if (profile.nodes[0]) exclude(profile.nodes[0], false);
  const from = lastSeconds === undefined ? -Infinity : profile.endTime - lastSeconds * 1e6;
  const selfTime = new Map<number, number>();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (excluded.has(id) || at < from) return;
    selfTime.set(id, (selfTime.get(id) ?? 0) + dt);
    total += dt;
  });
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  for (const [id, time] of selfTime) {
    const node = nodes.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') {
      byOrigin.set(functionName, (byOrigin.get(functionName) ?? 0) + time);
      byFunction.set(functionName, (byFunction.get(functionName) ?? 0) + time);
      continue;
    }
    // Sources run through tsx report line 0; a line number is only shown when it means something.
    const where = url
      ? `${url.replace(/^file:\/\//, '').replace(`${REPO_ROOT}/`, '')}${lineNumber > 0 ? `:${lineNumber + 1}` : ''}`
      : '(native)';
    const key = `${functionName || '(anonymous)'} ${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + time);
    const origin = functionName === '(garbage collector)' ? '(garbage collector)' : originOf(url);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + time);
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, t]) => ({ name, share: total > 0 ? t / total : 0 }));
  return { byFunction: rank(byFunction), byOrigin: rank(byOrigin) };
}

/** Microseconds of samples that were not idle: tells the busy thread's profile from the others. */
export function busyTime(file: string): number {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  return profile.samples.reduce((sum, id, i) => (idle.has(id) ? sum : sum + (profile.timeDeltas[i] ?? 0)), 0);
}

export function formatProfile(title: string, file: string, top = 12, lastSeconds?: number): string {
  const { byFunction, byOrigin } = summarizeProfile(file, top, lastSeconds);
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)} %`;
  return [
    `${title} (${file})`,
    '  self time by origin:',
    ...byOrigin.map((l) => `    ${pct(l.share)}  ${l.name}`),
    '  self time by function:',
    ...byFunction.map((l) => `    ${pct(l.share)}  ${l.name}`),
  ].join('\n');
}

// `tsx bench/src/profile-summary.ts file.cpuprofile` prints the summary of any profile.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))) {
  for (const file of process.argv.slice(2)) process.stdout.write(`${formatProfile('profile', file, 25)}\n`);
}
