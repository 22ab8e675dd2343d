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
 * Where `needle` is held in a snapshot: for each heap node whose name contains
 * it (a string, or an object/closure named after it), the shortest retaining
 * path from the GC roots, as DevTools' "Retainers" would show it. Weak edges are
 * not followed. Returns human-readable lines, at most `limit` paths.
 */
export function retainingPaths(snapshotText: string, needle: string, limit = 8): string[] {
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

  // Breadth-first from the root (node 0) over strong edges: shortest retaining paths.
  const parent = new Int32Array(nodeCount).fill(-1);
  const parentEdge = new Int32Array(nodeCount).fill(-1);
  const seen = new Uint8Array(nodeCount);
  const queue = new Int32Array(nodeCount);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  seen[0] = 1;
  while (head < tail) {
    const n = queue[head++];
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += EF) {
      if (edgeTypes[edges[e + eType]] === "weak") continue;
      const to = edges[e + eTo] / NF;
      if (seen[to]) continue;
      seen[to] = 1;
      parent[to] = n;
      parentEdge[to] = e;
      queue[tail++] = to;
    }
  }

  const label = (n: number) => {
    const type = nodeTypes[nodes[n * NF + nType]];
    let name = strings[nodes[n * NF + nName]];
    if (name.includes(needle)) name = name.split(needle).join("<SECRET>");
    if (name.length > 120) name = `${name.slice(0, 117)}…`;
    return `${type} ${JSON.stringify(name)} @${nodes[n * NF + nId]} (${nodes[n * NF + nSelfSize]} B)`;
  };
  const edgeLabel = (e: number) => {
    const type = edgeTypes[edges[e + eType]];
    const raw = edges[e + eName];
    const name = type === "element" || type === "hidden" ? `[${raw}]` : strings[raw];
    return `${type}:${name}`;
  };

  const lines: string[] = [];
  let matches = 0;
  for (let n = 0; n < nodeCount; n += 1) {
    if (!strings[nodes[n * NF + nName]].includes(needle)) continue;
    matches += 1;
    if (lines.length >= limit) continue;
    if (!seen[n]) {
      lines.push(`${label(n)}: not reachable over strong edges (garbage, or only weakly held)`);
      continue;
    }
    const path: string[] = [];
    for (let cur = n; parent[cur] !== -1; cur = parent[cur]) path.push(`  ← ${edgeLabel(parentEdge[cur])} of ${label(parent[cur])}`);
    lines.push([label(n), ...path].join("\n"));
  }
  lines.unshift(`${matches} heap node(s) name the secret; shortest retaining paths (innermost first):`);
  return lines;
}
