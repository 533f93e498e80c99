import type { AffectedCi, CiSummary, ImpactReport } from '../../api/types';

export interface ImpactRow extends AffectedCi {
  /** Names from the changed CI to this one, following via.fromId back to a seed. */
  path: string[];
}

/** Every affected CI with its whole path, "A → B → C", from the changed CI to it. */
export function impactRows(report: ImpactReport): ImpactRow[] {
  const nodes = new Map<string, { name: string; fromId: string | null }>();
  for (const s of report.seeds) nodes.set(s.id, { name: s.name, fromId: null });
  for (const a of report.affected) nodes.set(a.id, { name: a.name, fromId: a.via.fromId });
  return report.affected.map((a) => {
    const path: string[] = [];
    const visited = new Set<string>();
    let id: string | null = a.id;
    while (id && !visited.has(id)) {
      visited.add(id);
      const node = nodes.get(id);
      if (!node) break;
      path.unshift(node.name);
      id = node.fromId;
    }
    return { ...a, path };
  });
}

export interface PlacedNode {
  id: string;
  name: string;
  type: string;
  environment: string;
  critical: boolean;
  /** 0 for the changed CIs. */
  depth: number;
  x: number;
  y: number;
}

export interface GraphEdge {
  /** Stored relation direction: source —relation→ target. */
  source: string;
  target: string;
  relation: string;
}

/** Horizontal distance between depths and vertical room per leaf of the tree. */
export const COLUMN_GAP = 190;
export const ROW_GAP = 64;

/**
 * A two-sided tree around the changed CI: the first ring of affected CIs is split between the
 * right and the left (balanced by how much each reaches), each further depth one column further
 * out, every subtree given vertical room in proportion to its leaves so paths do not cross. At
 * most `limit` affected CIs (the nearest: the list is breadth-first, parents before children).
 * With several changed CIs they stand in the middle column and everything fans out to the right.
 */
export function layoutImpact(
  report: ImpactReport,
  limit: number,
): { nodes: PlacedNode[]; edges: GraphEdge[]; extent: { x: number; y: number } } {
  const shown = report.affected.slice(0, limit);
  const known = new Set(report.seeds.map((s) => s.id));
  const children = new Map<string, AffectedCi[]>();
  for (const a of shown) {
    if (!known.has(a.via.fromId)) continue; // its parent is beyond the limit
    known.add(a.id);
    children.set(a.via.fromId, [...(children.get(a.via.fromId) ?? []), a]);
  }
  const leaves = new Map<string, number>();
  const weight = (id: string): number => {
    let w = leaves.get(id);
    if (w === undefined) {
      w = Math.max(
        1,
        (children.get(id) ?? []).reduce((sum, c) => sum + weight(c.id), 0),
      );
      leaves.set(id, w);
    }
    return w;
  };

  const nodes: PlacedNode[] = [];
  const place = (ci: CiSummary, depth: number, x: number, y: number) =>
    nodes.push({
      id: ci.id,
      name: ci.name,
      type: ci.type,
      environment: ci.environment,
      critical: ci.critical,
      depth,
      x,
      y,
    });
  /** Lays out `list` (siblings) in the band starting at `top`, one column per depth on `side`. */
  const band = (list: AffectedCi[], top: number, side: 1 | -1) => {
    let y = top;
    for (const c of list) {
      const height = weight(c.id) * ROW_GAP;
      place(c, c.depth, side * c.depth * COLUMN_GAP, Math.round(y + height / 2));
      band(children.get(c.id) ?? [], y, side);
      y += height;
    }
  };
  const bandHeight = (list: AffectedCi[]) => list.reduce((sum, c) => sum + weight(c.id), 0) * ROW_GAP;

  if (report.seeds.length === 1) {
    const seed = report.seeds[0];
    place(seed, 0, 0, 0);
    const right: AffectedCi[] = [];
    const left: AffectedCi[] = [];
    let rightWeight = 0;
    let leftWeight = 0;
    for (const c of [...(children.get(seed.id) ?? [])].sort((a, b) => weight(b.id) - weight(a.id))) {
      if (rightWeight <= leftWeight) {
        right.push(c);
        rightWeight += weight(c.id);
      } else {
        left.push(c);
        leftWeight += weight(c.id);
      }
    }
    band(right, -bandHeight(right) / 2, 1);
    band(left, -bandHeight(left) / 2, -1);
  } else {
    const total = report.seeds.reduce((sum, s) => sum + weight(s.id), 0) * ROW_GAP;
    let y = -total / 2;
    for (const seed of report.seeds) {
      const height = weight(seed.id) * ROW_GAP;
      place(seed, 0, 0, Math.round(y + height / 2));
      band(children.get(seed.id) ?? [], y, 1);
      y += height;
    }
  }

  const placed = new Set(nodes.map((n) => n.id));
  const edges: GraphEdge[] = shown
    .filter((a) => placed.has(a.id))
    .map((a) =>
      a.via.reverse
        ? { source: a.id, target: a.via.fromId, relation: a.via.relation }
        : { source: a.via.fromId, target: a.id, relation: a.via.relation },
    );
  // Symmetric about the changed CI, so that it stays in the centre of the picture.
  const extent = {
    x: Math.max(COLUMN_GAP, ...nodes.map((n) => Math.abs(n.x))),
    y: Math.max(ROW_GAP * 2, ...nodes.map((n) => Math.abs(n.y))),
  };
  return { nodes, edges, extent };
}

/** One colour per depth: the nearest in warm colours, the farther ones cooler. */
export const DEPTH_COLORS = [
  '#1f5fd1',
  '#f5222d',
  '#fa8c16',
  '#d4b106',
  '#52c41a',
  '#13c2c2',
  '#2f54eb',
  '#722ed1',
  '#eb2f96',
  '#8c8c8c',
  '#595959',
];
export const depthColor = (depth: number) => DEPTH_COLORS[Math.min(depth, DEPTH_COLORS.length - 1)];
