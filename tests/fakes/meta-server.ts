// A local fake of Meta's Graph API for the two chat products Parley sends through: the
// Messenger Send API (POST /{version}/me/messages?access_token=…) and the WhatsApp Cloud API
// (POST /{version}/{phone-number-id}/messages, Bearer token). Checks tokens and message shapes
// against the documented limits and answers with Graph's error envelope.
import { createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenLocal, readText, sendJson } from "./http-server";

export interface FakeMetaOptions {
  pageAccessToken: string;
  whatsappAccessToken: string;
  phoneNumberId: string;
}

export interface MessengerSent {
  recipientId: string;
  messagingType: string;
  message: Json;
}

export interface WhatsAppSent {
  to: string;
  type: string;
  payload: Json;
}

export interface FakeMeta {
  baseUrl: string;
  messenger: MessengerSent[];
  whatsapp: WhatsAppSent[];
  requestCount(): number;
  /** Messenger: the PSID no longer reaches anyone (blocked the page, deleted account). */
  unreachablePsid(psid: string): void;
  /** WhatsApp: the customer last wrote more than 24 hours ago. */
  closeCustomerWindow(waId: string): void;
  close(): Promise<void>;
}

/** The X-Hub-Signature-256 header Meta sends with a webhook body. */
export function signMetaBody(rawBody: string, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(rawBody, "utf8").digest("hex")}`;
}

type GraphReply = { status: number; body: Json };
type Json = Record<string, unknown>;

/** The object at `value`, or an empty one: lets validation read untrusted JSON without casts. */
function obj(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}
let fbtraceCounter = 0;

function graphError(
  status: number,
  code: number,
  message: string,
  extra: { type?: string; subcode?: number; details?: string } = {},
): GraphReply {
  return {
    status,
    body: {
      error: {
        message,
        type: extra.type ?? "OAuthException",
        code,
        ...(extra.subcode ? { error_subcode: extra.subcode } : {}),
        ...(extra.details
          ? { error_data: { messaging_product: "whatsapp", details: extra.details } }
          : {}),
        fbtrace_id: `AfakeTrace${++fbtraceCounter}`,
      },
    },
  };
}

const invalidToken = () => graphError(401, 190, "Invalid OAuth access token.");
const invalidParam = (message: string) => graphError(400, 100, `(#100) ${message}`);
const invalidValue = (details: string) =>
  graphError(400, 131009, "(#131009) Parameter value is not valid", { details });

const isHttpUrl = (url: unknown) => typeof url === "string" && /^https?:\/\/[^\s]+$/.test(url);
const within = (text: unknown, min: number, max: number) =>
  typeof text === "string" && text.length >= min && text.length <= max;

function validateMessengerMessage(raw: unknown): GraphReply | null {
  if (typeof raw !== "object" || raw === null)
    return invalidParam("The parameter message is required");
  const message = obj(raw);
  if ((message.text === undefined) === (message.attachment === undefined)) {
    return invalidParam("Message cannot be empty, must provide valid attachment or text");
  }
  if (message.text !== undefined && !within(message.text, 1, 2000)) {
    return invalidParam("Length of param message[text] must be less than or equal to 2000");
  }
  if (message.quick_replies !== undefined) {
    if (!Array.isArray(message.quick_replies) || message.quick_replies.length > 13) {
      return invalidParam("param message[quick_replies] must be an array with at most 13 elements");
    }
    for (const reply of message.quick_replies.map(obj)) {
      if (reply.content_type !== "text")
        return invalidParam("Invalid content_type for quick reply");
      if (!within(reply.title, 1, 20))
        return invalidParam("Quick reply title must be 1-20 characters");
      if (!within(reply.payload, 1, 1000))
        return invalidParam("Quick reply payload must be 1-1000 characters");
    }
  }
  if (message.attachment !== undefined) {
    const attachment = obj(message.attachment);
    const payload = obj(attachment.payload);
    if (attachment.type !== "template" || payload.template_type !== "button") {
      return invalidParam("Unsupported attachment in this fake: only the button template");
    }
    if (!within(payload.text, 1, 640))
      return invalidParam("Param text must be at most 640 characters");
    if (
      !Array.isArray(payload.buttons) ||
      payload.buttons.length < 1 ||
      payload.buttons.length > 3
    ) {
      return invalidParam("param buttons must contain 1 to 3 buttons");
    }
    for (const button of payload.buttons.map(obj)) {
      if (button.type !== "web_url" || !isHttpUrl(button.url))
        return invalidParam("Invalid URL button");
      if (!within(button.title, 1, 20)) return invalidParam("Button title must be 1-20 characters");
    }
  }
  return null;
}

function validateWhatsAppInteractive(interactive: Json): GraphReply | null {
  const action = obj(interactive.action);
  const bodyMax = interactive.type === "list" ? 4096 : 1024;
  if (!within(obj(interactive.body).text, 1, bodyMax)) {
    return invalidValue(`Body text length invalid. Min length: 1, Max length: ${bodyMax}`);
  }
  switch (interactive.type) {
    case "button": {
      if (
        !Array.isArray(action.buttons) ||
        action.buttons.length < 1 ||
        action.buttons.length > 3
      ) {
        return invalidValue(
          "Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: 3",
        );
      }
      const buttons = action.buttons.map(obj);
      for (const button of buttons) {
        const reply = obj(button.reply);
        if (button.type !== "reply") return invalidValue("Button type must be reply");
        if (!within(reply.title, 1, 20))
          return invalidValue("Button title length invalid. Min length: 1, Max length: 20");
        if (!within(reply.id, 1, 256))
          return invalidValue("Button id length invalid. Min length: 1, Max length: 256");
      }
      if (new Set(buttons.map((b) => obj(b.reply).id)).size !== buttons.length)
        return invalidValue("Duplicate button id");
      return null;
    }
    case "list": {
      if (!within(action.button, 1, 20))
        return invalidValue("Button text length invalid. Min length: 1, Max length: 20");
      const sections = action.sections;
      if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10)
        return invalidValue("Invalid sections count");
      const rows = sections.flatMap((s) => {
        const sectionRows = obj(s).rows;
        return Array.isArray(sectionRows) ? sectionRows.map(obj) : [];
      });
      if (rows.length < 1 || rows.length > 10)
        return invalidValue("Total row count exceed max allowed count: 10");
      for (const row of rows) {
        if (!within(row.title, 1, 24))
          return invalidValue("Row title length invalid. Min length: 1, Max length: 24");
        if (!within(row.id, 1, 200))
          return invalidValue("Row id length invalid. Min length: 1, Max length: 200");
      }
      if (new Set(rows.map((r) => r.id)).size !== rows.length)
        return invalidValue("Duplicate row id");
      return null;
    }
    case "cta_url": {
      const parameters = obj(action.parameters);
      if (action.name !== "cta_url") return invalidValue("action.name must be cta_url");
      if (!within(parameters.display_text, 1, 20)) {
        return invalidValue("display_text length invalid. Min length: 1, Max length: 20");
      }
      if (!isHttpUrl(parameters.url)) return invalidValue("Invalid URL");
      return null;
    }
    default:
      return invalidParam("Invalid parameter: interactive.type");
  }
}

function validateWhatsAppPayload(payload: Json): GraphReply | null {
  if (payload.messaging_product !== "whatsapp")
    return invalidParam("The parameter messaging_product is required.");
  if (typeof payload.to !== "string" || !payload.to)
    return invalidParam("The parameter to is required.");
  if (payload.type === "text") {
    return within(obj(payload.text).body, 1, 4096)
      ? null
      : invalidValue("Text body length invalid. Min length: 1, Max length: 4096");
  }
  if (payload.type === "interactive") return validateWhatsAppInteractive(obj(payload.interactive));
  if (payload.type === "template") return validateWhatsAppTemplate(obj(payload.template));
  return invalidParam("Invalid parameter: type");
}

/** Cloud API template messages: a name, a language code, body parameters of type text. */
function validateWhatsAppTemplate(template: Json): GraphReply | null {
  if (typeof template.name !== "string" || !/^[a-z0-9_]+$/.test(template.name))
    return invalidParam("The parameter template['name'] is required.");
  if (typeof obj(template.language).code !== "string")
    return invalidParam("The parameter template['language']['code'] is required.");
  const components = template.components;
  if (components === undefined) return null;
  if (!Array.isArray(components)) return invalidParam("Invalid parameter: template.components");
  for (const component of components) {
    const c = obj(component);
    if (c.type !== "body" || !Array.isArray(c.parameters))
      return invalidParam("Invalid parameter: template.components.type");
    for (const p of c.parameters) {
      const parameter = obj(p);
      if (parameter.type !== "text" || !within(parameter.text, 1, 32768))
        return invalidValue("Parameter text length invalid");
    }
  }
  return null;
}

export async function startFakeMeta(opts: FakeMetaOptions): Promise<FakeMeta> {
  const messenger: MessengerSent[] = [];
  const whatsapp: WhatsAppSent[] = [];
  const unreachable = new Set<string>();
  const closedWindows = new Set<string>();
  let requests = 0;
  let counter = 0;

  function handleMessenger(url: URL, body: Json): GraphReply {
    if (url.searchParams.get("access_token") !== opts.pageAccessToken) return invalidToken();
    const messagingType = body.messaging_type;
    if (
      typeof messagingType !== "string" ||
      !["RESPONSE", "UPDATE", "MESSAGE_TAG"].includes(messagingType)
    ) {
      return invalidParam("param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}");
    }
    const recipientId = obj(body.recipient).id;
    if (typeof recipientId !== "string" || !recipientId)
      return invalidParam("The parameter recipient is required");
    const invalid = validateMessengerMessage(body.message);
    if (invalid) return invalid;
    if (unreachable.has(recipientId))
      return graphError(400, 100, "(#100) No matching user found", { subcode: 2018001 });
    messenger.push({ recipientId, messagingType, message: obj(body.message) });
    return { status: 200, body: { recipient_id: recipientId, message_id: `m_fake${++counter}` } };
  }

  function handleWhatsApp(req: IncomingMessage, objectId: string, body: Json): GraphReply {
    if (req.headers.authorization !== `Bearer ${opts.whatsappAccessToken}`) return invalidToken();
    if (objectId !== opts.phoneNumberId) {
      return graphError(
        400,
        100,
        `Unsupported post request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        { type: "GraphMethodException", subcode: 33 },
      );
    }
    const invalid = validateWhatsAppPayload(body);
    if (invalid) return invalid;
    const to = body.to as string;
    // Outside the customer service window only template messages are delivered.
    if (closedWindows.has(to) && body.type !== "template") {
      return graphError(400, 131047, "Re-engagement message", {
        details:
          "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
      });
    }
    whatsapp.push({ to, type: String(body.type), payload: body });
    return {
      status: 200,
      body: {
        messaging_product: "whatsapp",
        contacts: [{ input: to, wa_id: to }],
        messages: [{ id: `wamid.FAKE${++counter}` }],
      },
    };
  }

  async function handle(req: IncomingMessage): Promise<GraphReply> {
    requests += 1;
    const raw = await readText(req);
    const url = new URL(req.url ?? "/", "http://fake");
    const route = /^\/v\d+\.\d+\/([^/]+)\/messages$/.exec(url.pathname);
    if (req.method !== "POST" || !route) return invalidParam("Unknown path components");
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return invalidParam("Invalid JSON for postbody");
    }
    return route[1] === "me"
      ? handleMessenger(url, obj(body))
      : handleWhatsApp(req, route[1], obj(body));
  }

  const server = await listenLocal(
    async (req, res) => reply(res, await handle(req)),
    (res) => reply(res, graphError(500, 2, "An unexpected error has occurred.")),
  );

  return {
    baseUrl: server.url,
    messenger,
    whatsapp,
    requestCount: () => requests,
    unreachablePsid: (psid) => unreachable.add(psid),
    closeCustomerWindow: (waId) => closedWindows.add(waId),
    close: server.close,
  };
}

function reply(res: ServerResponse, { status, body }: GraphReply): void {
  sendJson(res, status, body);
}
