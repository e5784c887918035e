// The simulator's way to its conversation: server actions (the designer is signed in), polled.
import {
  ChatRequestError,
  type ChatSnapshot,
  type ChatTransport,
} from "@/components/chat/transport";
import type { ActionResult } from "@/lib/action";
import type { ChatSnapshot as ServerSnapshot } from "@/lib/conversations/engine/snapshot";
import {
  pollSimulationAction,
  sendSimulationAction,
  startSimulationAction,
} from "@/lib/flows/simulator-actions";

function unwrap(result: ActionResult<ServerSnapshot>): ChatSnapshot {
  if (!result.ok) throw new ChatRequestError(result.error, result.status);
  return result.data;
}

export function simulatorTransport(flowId: string): ChatTransport {
  return {
    start: async (lang) => unwrap(await startSimulationAction({ flowId, lang })),
    send: async (conversationId, message, after) =>
      unwrap(
        await sendSimulationAction({
          flowId,
          conversationId,
          messageId: message.messageId,
          ...(message.text ? { text: message.text } : {}),
          ...(message.choice ? { choice: message.choice } : {}),
          ...(after ? { after } : {}),
        }),
      ),
    read: async (conversationId, after) =>
      unwrap(await pollSimulationAction({ flowId, conversationId, ...(after ? { after } : {}) })),
  };
}
