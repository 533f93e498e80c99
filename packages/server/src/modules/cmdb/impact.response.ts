import { RELATION_CODES } from '@releasegate/domain';
import type { FastifyReply } from 'fastify';
import type { CiSummaryRow } from './cmdb.repository';
import { ByteArena } from './impact.bytes';
import type { LoadedGraph } from './impact.graph';
import { MAX_IMPACT_DEPTH, type ImpactAnswer } from './impact.service';

// The impact routes' JSON, written straight from the search's arrays. A full reach lists ~100,000
// CIs (23 MB): building a report object per CI, walking it with zod and then with JSON.stringify
// took most of the answer's time. Each CI's part of the JSON is encoded once per load of the
// summaries, into a ByteArena; an answer is then three copies per CI within the arena (its fields,
// its depth and step, the id it was reached from) and one copy of the whole out of it. The bytes
// are exactly JSON.stringify(impactReport(answer)).

/**
 * Every graph node's JSON, UTF-8, in an arena: node i's bytes are [start[i], start[i + 1]),
 * `{"id":` and its id as a JSON string (ending at idEnd[i]), followed, when it has a summary, by
 * `,"name":…,"type":…,"environment":…,"critical":…`. Then the step texts (STEP_TEXTS), and from
 * `answerAt` on, room where answers are written.
 */
interface EncodedNodes {
  arena: ByteArena;
  start: Int32Array;
  idEnd: Int32Array;
  stepStart: Int32Array;
  stepEnd: Int32Array;
  answerAt: number;
  /** The most bytes of one node, of one id (with its quotes) and of one step text. */
  maxNode: number;
  maxId: number;
  maxStep: number;
}

const OPEN_ENTRY = '{"id":';
/** Where a node's id starts in its bytes. */
const ID_AT = OPEN_ENTRY.length;

/**
 * `,"depth":d,"via":{"relation":"…","reverse":…,"fromId":` by (depth * relation codes + relation
 * code) * 2 + reverse, for every depth the routes allow.
 */
const STEP_TEXTS = Array.from({ length: MAX_IMPACT_DEPTH + 1 }, (_, depth) =>
  RELATION_CODES.flatMap((relation) =>
    [false, true].map(
      (reverse) => `,"depth":${depth},"via":{"relation":"${relation}","reverse":${reverse},"fromId":`,
    ),
  ),
).flat();
const stepAt = (depth: number, relation: number, reverse: number) =>
  (depth * RELATION_CODES.length + relation) * 2 + reverse;

const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;

const encodedOf = new WeakMap<LoadedGraph['summaries'], EncodedNodes>();

const summaryTail = (s: CiSummaryRow) =>
  `,"name":${JSON.stringify(s.name)},"type":${JSON.stringify(s.type)},"environment":${JSON.stringify(s.environment)},"critical":${s.critical}`;

function encodeNodes(graph: LoadedGraph): EncodedNodes {
  const { ids, summaries } = graph;
  const arena = new ByteArena(Math.max(PAGE_BYTES, ids.length * 160));
  const start = new Int32Array(ids.length + 1);
  const idEnd = new Int32Array(ids.length);
  let at = 0;
  let maxNode = 0;
  let maxId = 0;
  for (let i = 0; i < ids.length; i++) {
    start[i] = at;
    at = arena.write(OPEN_ENTRY + JSON.stringify(ids[i]), at);
    idEnd[i] = at;
    const summary = summaries[i];
    if (summary) at = arena.write(summaryTail(summary), at);
    maxNode = Math.max(maxNode, at - start[i]);
    maxId = Math.max(maxId, idEnd[i] - start[i] - ID_AT);
  }
  start[ids.length] = at;
  const stepStart = new Int32Array(STEP_TEXTS.length);
  const stepEnd = new Int32Array(STEP_TEXTS.length);
  let maxStep = 0;
  STEP_TEXTS.forEach((text, j) => {
    stepStart[j] = at;
    at = arena.write(text, at);
    stepEnd[j] = at;
    maxStep = Math.max(maxStep, at - stepStart[j]);
  });
  return { arena, start, idEnd, stepStart, stepEnd, answerAt: at, maxNode, maxId, maxStep };
}

const PAGE_BYTES = 65536;

function encodedNodes(graph: LoadedGraph): EncodedNodes {
  let encoded = encodedOf.get(graph.summaries);
  if (!encoded) {
    encoded = encodeNodes(graph);
    encodedOf.set(graph.summaries, encoded);
  }
  return encoded;
}

/** The answer's JSON, byte for byte what JSON.stringify(impactReport(answer)) gives. */
export function impactJson(answer: ImpactAnswer): Buffer {
  const { graph, result, listedEnd } = answer;
  const encoded = encodedNodes(graph);
  const { arena, start, idEnd, stepStart, stepEnd, answerAt } = encoded;
  const { relations, reverse } = graph.graph;
  const { affected, depth, from, edge } = result;
  const { copy } = arena;
  // Each entry is followed by a comma; the list's last comma is overwritten by what follows it.
  const longestEntry = encoded.maxNode + encoded.maxStep + encoded.maxId + 3;
  const averageEntry =
    Math.ceil(start[start.length - 1] / Math.max(1, start.length - 1)) + encoded.maxStep + encoded.maxId + 3;
  arena.reserve(answerAt + Math.ceil(answer.listedCount * averageEntry * 1.05) + longestEntry);
  let bytes = arena.bytes;
  let at = arena.write(`{"seeds":${JSON.stringify(answer.seeds.map(seedObject))},"affected":[`, answerAt);
  for (let k = 0; k < listedEnd; k++) {
    const node = affected[k];
    if (start[node + 1] === idEnd[node]) continue; // no summary: not listed
    if (at + longestEntry > bytes.length) {
      arena.reserve(at + longestEntry);
      bytes = arena.bytes;
    }
    const f = from[k];
    const e = edge[k];
    const step = stepAt(depth[k], relations[e], reverse[e]);
    const nodeLength = start[node + 1] - start[node];
    copy(at, start[node], nodeLength);
    at += nodeLength;
    const stepLength = stepEnd[step] - stepStart[step];
    copy(at, stepStart[step], stepLength);
    at += stepLength;
    const idLength = idEnd[f] - start[f] - ID_AT;
    copy(at, start[f] + ID_AT, idLength);
    at += idLength;
    bytes[at++] = CLOSE_BRACE;
    bytes[at++] = CLOSE_BRACE;
    bytes[at++] = COMMA;
  }
  if (answer.listedCount > 0) at--;
  at = arena.write(`],"affectedCount":${answer.affectedCount},"services":[`, at);
  arena.reserve(at + answer.serviceNodes.length * (encoded.maxId + 1));
  bytes = arena.bytes;
  for (const node of answer.serviceNodes) {
    const idLength = idEnd[node] - start[node] - ID_AT;
    copy(at, start[node] + ID_AT, idLength);
    at += idLength;
    bytes[at++] = COMMA;
  }
  if (answer.serviceNodes.length > 0) at--;
  at = arena.write(
    `],"criticalCount":${answer.criticalCount},"truncated":${result.truncated},"maxDepth":${answer.maxDepth}}`,
    at,
  );
  return arena.slice(answerAt, at);
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
