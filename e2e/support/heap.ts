import type { Page } from "@playwright/test";

/**
 * A V8 heap snapshot of the page's renderer (Chromium only), taken through the
 * DevTools protocol after forcing garbage collection, as the raw JSON text.
 */
export async function takeHeapSnapshot(page: Page, { collections = 3 } = {}): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("HeapProfiler.enable");
    for (let i = 0; i < collections; i += 1) await cdp.send("HeapProfiler.collectGarbage");
    const chunks: string[] = [];
    const onChunk = ({ chunk }: { chunk: string }) => chunks.push(chunk);
    cdp.on("HeapProfiler.addHeapSnapshotChunk", onChunk);
    await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
    cdp.off("HeapProfiler.addHeapSnapshotChunk", onChunk);
    await cdp.send("HeapProfiler.disable");
    return chunks.join("");
  } finally {
    await cdp.detach();
  }
}

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] };
    node_count: number;
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/**
 * Where `needle` is held in a snapshot. For each heap node whose name contains
 * it (a string, or an object/closure named after it): the shortest retaining
 * path from the GC roots, as DevTools' "Retainers" would show it; then, to find
 * what *else* holds it, the edge holding the secret's direct holder is cut and
 * the search runs again — up to `alternatives` more times. Weak edges are not followed. Returns
 * human-readable lines, innermost first, for at most `limit` matching nodes.
 */
export function retainingPaths(snapshotText: string, needle: string, { limit = 4, alternatives = 5 } = {}): string[] {
  const snap = JSON.parse(snapshotText) as Snapshot;
  const { meta } = snap.snapshot;
  const NF = meta.node_fields.length;
  const EF = meta.edge_fields.length;
  const nType = meta.node_fields.indexOf("type");
  const nName = meta.node_fields.indexOf("name");
  const nId = meta.node_fields.indexOf("id");
  const nEdgeCount = meta.node_fields.indexOf("edge_count");
  const nSelfSize = meta.node_fields.indexOf("self_size");
  const eType = meta.edge_fields.indexOf("type");
  const eName = meta.edge_fields.indexOf("name_or_index");
  const eTo = meta.edge_fields.indexOf("to_node");
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const { nodes, edges, strings } = snap;
  const nodeCount = nodes.length / NF;

  const firstEdge = new Uint32Array(nodeCount + 1);
  for (let i = 0, e = 0; i < nodeCount; i += 1) {
    firstEdge[i] = e;
    e += nodes[i * NF + nEdgeCount] * EF;
    firstEdge[i + 1] = e;
  }
  const typeOf = (n: number) => nodeTypes[nodes[n * NF + nType]];

  const label = (n: number) => {
    let name = strings[nodes[n * NF + nName]];
    if (name.includes(needle)) name = name.split(needle).join("<SECRET>");
    if (name.length > 120) name = `${name.slice(0, 117)}…`;
    return `${typeOf(n)} ${JSON.stringify(name)} @${nodes[n * NF + nId]} (${nodes[n * NF + nSelfSize]} B)`;
  };
  const edgeLabel = (e: number) => {
    const type = edgeTypes[edges[e + eType]];
    const raw = edges[e + eName];
    const name = type === "element" || type === "hidden" ? `[${raw}]` : strings[raw];
    return `${type}:${name}`;
  };

  /** Breadth-first from the root (node 0) over strong, unblocked edges; returns the path to `target` as edges, outermost first. */
  const shortestPath = (target: number, blocked: Set<number>): Array<{ from: number; edge: number }> | null => {
    const parent = new Int32Array(nodeCount).fill(-1);
    const parentEdge = new Int32Array(nodeCount).fill(-1);
    const seen = new Uint8Array(nodeCount);
    const queue = new Int32Array(nodeCount);
    let head = 0;
    let tail = 0;
    queue[tail++] = 0;
    seen[0] = 1;
    while (head < tail && !seen[target]) {
      const n = queue[head++];
      for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += EF) {
        if (edgeTypes[edges[e + eType]] === "weak" || blocked.has(e)) continue;
        const to = edges[e + eTo] / NF;
        if (seen[to]) continue;
        seen[to] = 1;
        parent[to] = n;
        parentEdge[to] = e;
        queue[tail++] = to;
      }
    }
    if (!seen[target]) return null;
    const path: Array<{ from: number; edge: number }> = [];
    for (let cur = target; parent[cur] !== -1; cur = parent[cur]) path.unshift({ from: parent[cur], edge: parentEdge[cur] });
    return path;
  };

  const lines: string[] = [];
  let matches = 0;
  for (let n = 0; n < nodeCount; n += 1) {
    if (!strings[nodes[n * NF + nName]].includes(needle)) continue;
    matches += 1;
    if (matches > limit) continue;
    const blocked = new Set<number>();
    for (let round = 0; round <= alternatives; round += 1) {
      const path = shortestPath(n, blocked);
      if (!path) {
        lines.push(round === 0 ? `${label(n)}: not reachable over strong edges (garbage, or only weakly held)` : `  (no other retaining path)`);
        break;
      }
      lines.push(`${round === 0 ? "Shortest" : `Other (#${round})`} retaining path of ${label(n)}:`);
      for (let i = path.length - 1; i >= 0; i -= 1) lines.push(`  ← ${edgeLabel(path[i].edge)} of ${label(path[i].from)}`);
      // Cut the edge that holds the secret's direct holder (e.g. a props object, a closure's
      // scope), so the next round shows a different holder rather than another route to the same one.
      const cut = Math.max(path.length - 2, 0);
      blocked.add(path[cut].edge);
    }
  }
  lines.unshift(`${matches} heap node(s) name the secret. Retaining paths from the GC roots, innermost first:`);
  return lines;
}
