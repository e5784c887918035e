// Chat channels: Telegram, Messenger, WhatsApp, Slack and the web widget.
//   inbound   platform webhook → inbound.ts (find channel, size limit, handshake, verify,
//             parse) → the conversation engine (lib/conversations/engine)
//   outbound  the engine's replies → outbound.ts (sendOutbound: open config, render, call the
//             platform's API, record sent/failed on the message)
//   admin     the flow page's Channels panel → actions.ts (server actions) → admin.ts (connect,
//             enable, rotate; audited) with forms.ts (fields and zod inputs) and records.ts
//             (channel rows, sealed config, webhook URL)
//   platforms/  one adapter per platform (verify, parse, render, send) and the registry.
// This entry re-exports the adapter registry and contract only: pure, no database.
export * from "./platforms";
