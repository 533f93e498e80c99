import { RELATION_CODES } from '@releasegate/domain';
import type { FastifyReply } from 'fastify';
import type { CiSummaryRow } from './cmdb.repository';
import type { LoadedGraph } from './impact.graph';
import { MAX_IMPACT_DEPTH, type ImpactAnswer } from './impact.service';

// The impact routes' JSON, written straight from the search's arrays into one buffer. A full reach
// lists ~100,000 CIs (23 MB): building a report object per CI, walking it with zod and then with
// JSON.stringify took most of the answer's time. Each CI's part of the JSON is encoded once per
// load of the summaries, and an answer is three copies per CI from there (its fields, its depth and
// step, the id it was reached from). The bytes are exactly JSON.stringify(impactReport(answer)).

/**
 * Every graph node's JSON, UTF-8, in one buffer: node i's bytes are blob[start[i], start[i + 1]),
 * `{"id":` and its id as a JSON string (ending at idEnd[i]), followed, when it has a summary, by
 * `,"name":…,"type":…,"environment":…,"critical":…`.
 */
interface EncodedNodes {
  blob: Buffer;
  start: Int32Array;
  idEnd: Int32Array;
  /** The most bytes of one node, and of one id (with its quotes). */
  maxNode: number;
  maxId: number;
}

const OPEN_ENTRY = '{"id":';
/** Where a node's id starts in its bytes. */
const ID_AT = OPEN_ENTRY.length;

const encodedOf = new WeakMap<LoadedGraph['summaries'], EncodedNodes>();

const bytes = (s: string) => Buffer.from(s, 'utf8');
const summaryTail = (s: CiSummaryRow) =>
  `,"name":${JSON.stringify(s.name)},"type":${JSON.stringify(s.type)},"environment":${JSON.stringify(s.environment)},"critical":${s.critical}`;

function encodeNodes(graph: LoadedGraph): EncodedNodes {
  const { ids, summaries } = graph;
  const start = new Int32Array(ids.length + 1);
  const idEnd = new Int32Array(ids.length);
  let blob = Buffer.allocUnsafe(Math.max(1024, ids.length * 160));
  let at = 0;
  const write = (s: string) => {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (at + 3 * s.length > blob.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * blob.length, at + 3 * s.length));
      blob.copy(bigger, 0, 0, at);
      blob = bigger;
    }
    at += blob.write(s, at, 'utf8');
  };
  let maxNode = 0;
  let maxId = 0;
  for (let i = 0; i < ids.length; i++) {
    start[i] = at;
    write(OPEN_ENTRY + JSON.stringify(ids[i]));
    idEnd[i] = at;
    const summary = summaries[i];
    if (summary) write(summaryTail(summary));
    maxNode = Math.max(maxNode, at - start[i]);
    maxId = Math.max(maxId, idEnd[i] - start[i] - ID_AT);
  }
  start[ids.length] = at;
  return { blob: blob.subarray(0, at), start, idEnd, maxNode, maxId };
}

function encodedNodes(graph: LoadedGraph): EncodedNodes {
  let encoded = encodedOf.get(graph.summaries);
  if (!encoded) {
    encoded = encodeNodes(graph);
    encodedOf.set(graph.summaries, encoded);
  }
  return encoded;
}

/**
 * `,"depth":d,"via":{"relation":"…","reverse":…,"fromId":` by (depth * relation codes + relation
 * code) * 2 + reverse, for every depth the routes allow.
 */
const STEP = Array.from({ length: MAX_IMPACT_DEPTH + 1 }, (_, depth) =>
  RELATION_CODES.flatMap((relation) =>
    [false, true].map((reverse) =>
      bytes(`,"depth":${depth},"via":{"relation":"${relation}","reverse":${reverse},"fromId":`),
    ),
  ),
).flat();
const STEP_BYTES = Math.max(...STEP.map((b) => b.length));
const stepAt = (depth: number, relation: number, reverse: number) =>
  (depth * RELATION_CODES.length + relation) * 2 + reverse;

const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;

/**
 * Copies bytes [start, end) of `from` to `to` at `at` and returns where the copy ends. A loop: the
 * pieces are short (20–150 bytes), and Buffer.copy makes a view object per call, which at 300,000
 * calls per answer costs more in garbage collection than it saves.
 */
function copyBytes(from: Uint8Array, start: number, end: number, to: Uint8Array, at: number): number {
  for (let i = start; i < end; i++) to[at++] = from[i];
  return at;
}

/** The answer's JSON, byte for byte what JSON.stringify(impactReport(answer)) gives. */
export function impactJson(answer: ImpactAnswer): Buffer {
  const { graph, result, listedEnd } = answer;
  const { blob, start, idEnd, maxNode, maxId } = encodedNodes(graph);
  const { relations, reverse } = graph.graph;
  const { affected, depth, from, edge } = result;
  const seeds = bytes(`{"seeds":${JSON.stringify(answer.seeds.map(seedObject))},"affected":[`);
  const end = bytes(`],"affectedCount":${answer.affectedCount},"services":[`);
  const last = bytes(
    `],"criticalCount":${answer.criticalCount},"truncated":${result.truncated},"maxDepth":${answer.maxDepth}}`,
  );
  // One buffer, sized from the average entry and grown when an entry might not fit: a first pass
  // to size it exactly would read every entry's bytes twice. Each entry is followed by a comma;
  // the list's last comma is overwritten by what follows the list.
  const nodes = start.length - 1;
  const averageEntry = Math.ceil(blob.length / Math.max(1, nodes)) + STEP_BYTES + maxId + 3;
  const longestEntry = maxNode + STEP_BYTES + maxId + 3;
  let out = Buffer.allocUnsafe(
    seeds.length +
      Math.ceil(answer.listedCount * averageEntry * 1.05) +
      longestEntry +
      end.length +
      answer.serviceNodes.length * (maxId + 1) +
      last.length,
  );
  const room = (at: number, more: number) => {
    if (at + more <= out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * out.length, at + more));
    out.copy(bigger, 0, 0, at);
    out = bigger;
  };
  let at = seeds.copy(out, 0);
  for (let k = 0; k < listedEnd; k++) {
    const node = affected[k];
    if (start[node + 1] === idEnd[node]) continue; // no summary: not listed
    room(at, longestEntry);
    const f = from[k];
    const e = edge[k];
    at = copyBytes(blob, start[node], start[node + 1], out, at);
    const step = STEP[stepAt(depth[k], relations[e], reverse[e])];
    at = copyBytes(step, 0, step.length, out, at);
    at = copyBytes(blob, start[f] + ID_AT, idEnd[f], out, at);
    out[at++] = CLOSE_BRACE;
    out[at++] = CLOSE_BRACE;
    out[at++] = COMMA;
  }
  if (answer.listedCount > 0) at--;
  room(at, end.length + answer.serviceNodes.length * (maxId + 1) + last.length);
  at += end.copy(out, at);
  for (const node of answer.serviceNodes) {
    at = copyBytes(blob, start[node] + ID_AT, idEnd[node], out, at);
    out[at++] = COMMA;
  }
  if (answer.serviceNodes.length > 0) at--;
  at += last.copy(out, at);
  return out.subarray(0, at);
}

const seedObject = (s: CiSummaryRow): CiSummaryRow => ({
  id: s.id,
  name: s.name,
  type: s.type,
  environment: s.environment,
  critical: s.critical,
});

/** Sends the answer's JSON (the route's response schema documents it; no zod pass over it). */
export function sendImpact(reply: FastifyReply, answer: ImpactAnswer): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(impactJson(answer));
}
