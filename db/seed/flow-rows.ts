// The demo's flow rows and their immutable published versions.
import type { Flow, FlowVersion } from "@/db/schema/flows";
import type { FlowGraph } from "@/lib/flows/graph";
import type { MerchantKey, Staff } from "./catalog";
import type { SeededFlow } from "./conversation";
import { FLOWS } from "./flows";
import type { SeededRandom } from "./random";

const DAY = 86_400_000;

/**
 * Flow rows, their published versions (odd versions by the owner, even ones by the admin when
 * there is one) and what the traffic generator needs to know about each flow.
 */
export function buildFlowRows(
  rng: SeededRandom,
  key: MerchantKey,
  merchantId: string,
  now: Date,
  publishers: { owner: Staff; admin?: Staff },
) {
  const flows: Flow[] = [];
  const versions: FlowVersion[] = [];
  const graphs = new Map<string, FlowGraph>();
  const seeded: SeededFlow[] = [];
  for (const spec of FLOWS[key]) {
    const id = rng.id("flow");
    const flowVersions = spec.versionAgesDays.map((age, i) => ({
      id: rng.id("flowVersion"),
      version: i + 1,
      publishedAt: new Date(now.getTime() - age * DAY - rng.int(8, 18) * 3_600_000),
    }));
    for (const [i, v] of flowVersions.entries()) {
      const graph = spec.graph(v.version);
      graphs.set(`${id}:${v.version}`, graph);
      versions.push({
        merchantId,
        id: v.id,
        flowId: id,
        version: v.version,
        graph,
        mode: spec.publishMode ?? "live",
        note: spec.versionNotes[i] ?? "",
        publishedByUserId:
          (v.version % 2 === 0 ? publishers.admin : undefined)?.id ?? publishers.owner.id,
        publishedAt: v.publishedAt,
      });
    }
    const latest = Math.max(1, flowVersions.length);
    const draftGraph = spec.graph(latest);
    const createdAt = flowVersions[0]
      ? new Date(flowVersions[0].publishedAt.getTime() - DAY)
      : new Date(now.getTime() - 4 * DAY);
    const lastVersion = flowVersions[flowVersions.length - 1];
    flows.push({
      merchantId,
      id,
      name: spec.name,
      description: spec.description,
      template: spec.template,
      publicKey: `fpk_${rng.base62(22)}`,
      status: spec.status,
      draftGraph,
      draftRevision: flowVersions.length + (spec.status === "draft" ? 3 : 0),
      publishedVersionId: lastVersion?.id ?? null,
      channels: [...spec.channels],
      // The demo's widget runs on Parley's own pages only; merchants add their sites.
      widgetOrigins: [],
      createdAt,
      updatedAt: lastVersion?.publishedAt ?? new Date(now.getTime() - 2 * DAY),
    });
    seeded.push({
      spec,
      id,
      mode: spec.publishMode ?? "live",
      versions: flowVersions,
      nodeTypes: new Map(draftGraph.nodes.map((n) => [n.id, n.type])),
    });
  }
  return { flows, versions, seeded, graphs };
}
