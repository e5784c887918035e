// Opening a conversation from the web widget or the simulator: the flow and the merchant's
// connections in one read, the first step run in memory, and the row inserted with its first
// messages and events in one statement.
import type { Db } from "@/db/client";
import type { ConnectionOffer } from "@/lib/conversations/checkout/methods";
import type { Lang } from "@/lib/flows/graph";
import { createInitialState } from "@/lib/flows/runtime";
import { newId } from "@/lib/ids";
import {
  capabilitiesOf,
  connectionsFor,
  merchantProfile,
  offersFor,
  versionForNewConversation,
} from "./environment";
import {
  assertReachable,
  type ChatIdentity,
  type EngineResult,
  type FlowSelector,
  newConversation,
  views,
} from "./shared";
import { type FlowLiveness, readFlowForStart } from "./step-context";
import { planStep, readState, RevisionConflictError, type StepEnvironment } from "./step-runner";
import { writeStep } from "./step-writer";
import { finishStep } from "./steps";
import { listMessagesFrom } from "./store";

export interface StartConversationParams extends FlowSelector, ChatIdentity {
  lang?: Lang;
}

/** Opens a new conversation (web widget, simulator) and runs the flow up to its first question. */
export async function startConversation(
  db: Db,
  params: StartConversationParams,
): Promise<EngineResult> {
  const now = params.now ?? new Date();
  const isSimulation = params.isSimulation ?? false;
  let flow: FlowLiveness & { draftGraph?: unknown };
  let all: ConnectionOffer[] | undefined;
  if (params.flow) {
    assertReachable(params.flow, params);
    flow = params.flow;
  } else {
    const found = params.publicKey ? await readFlowForStart(db, params.publicKey) : undefined;
    flow = assertReachable(found?.flow, params);
    all = found!.connections;
  }
  const { graph, mode } = await versionForNewConversation(
    db,
    flow,
    isSimulation,
    params.draftGraph,
  );
  // Only connections of the conversation's mode: a live chat never sees a test one.
  const origin = { mode, isSimulation };
  const connections = all
    ? offersFor(all, origin)
    : await connectionsFor(db, flow.merchantId, origin);
  const env: StepEnvironment = {
    graph,
    capabilities: capabilitiesOf(params.channel),
    connections,
    ...(await merchantProfile(db, flow.merchantId)),
  };
  const id = newId("conversation");
  const before = newConversation(
    flow,
    params,
    createInitialState(graph, id),
    id,
    { isSimulation, mode },
    now,
  );
  const lang = params.lang && graph.languages.includes(params.lang) ? params.lang : undefined;
  const plan = planStep(
    before,
    env,
    { kind: "start", ...(lang ? { lang } : {}) },
    {
      now,
      lastMessageAt: null,
    },
  );
  if (!(await writeStep(db, plan, true))) throw new RevisionConflictError(id);
  const finished = await finishStep(db, plan, env, now);
  const rows = finished.complete
    ? finished.messages
    : await listMessagesFrom(db, flow.merchantId, id, new Date(0));
  return {
    conversationId: id,
    status: finished.conversation.status,
    duplicate: false,
    messages: views(rows),
    path: readState(finished.conversation).path ?? [],
  };
}
