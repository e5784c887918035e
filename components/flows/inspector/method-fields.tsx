"use client";

import { PAYMENT_METHODS, type PaymentMethod } from "@/lib/connections/providers/types";
import type { NodeOf } from "@/lib/flows/graph";
import { METHOD_LABELS } from "@/lib/flows/i18n";
import { useDesigner } from "../designer/designer-context";
import { CHANNEL_LABELS, CHANNELS_WITH_IN_CHAT_WALLETS, WALLET_METHODS } from "../node-meta";
import { LocalizedField } from "./fields";
import { useNodeEdit } from "./use-node-edit";

/** Which methods the node offers, and how each of the flow's channels can present them. */
export function ChooseMethodFields({ node }: { node: NodeOf<"choose_method"> }) {
  const { enabledMethods, channels } = useDesigner();
  const edit = useNodeEdit(node);
  const chosen = node.data.methods;
  const supported = new Set(enabledMethods);
  const linkOnly = channels.filter((c) => !CHANNELS_WITH_IN_CHAT_WALLETS.includes(c));
  const toggle = (method: PaymentMethod, on: boolean) => {
    const current = chosen ?? [];
    const next = on ? [...current, method] : current.filter((m) => m !== method);
    edit({ methods: PAYMENT_METHODS.filter((m) => next.includes(m)) });
  };
  return (
    <>
      <LocalizedField
        id={`${node.id}-prompt`}
        label="Question"
        optional
        value={node.data.prompt}
        onChange={(prompt) => edit({ prompt }, "prompt")}
      />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Methods offered</legend>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name={`${node.id}-methods-mode`}
            checked={chosen === undefined}
            onChange={() => edit({ methods: undefined })}
          />
          Every method your active connections support
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name={`${node.id}-methods-mode`}
            checked={chosen !== undefined}
            onChange={() =>
              edit({
                methods:
                  enabledMethods.length > 0 ? PAYMENT_METHODS.filter((m) => supported.has(m)) : [],
              })
            }
          />
          Only these:
        </label>
        <ul className="space-y-1 pl-6">
          {PAYMENT_METHODS.map((method) => {
            const available = supported.has(method);
            const wallet = WALLET_METHODS.includes(method);
            return (
              <li key={method}>
                <label
                  className={
                    available
                      ? "flex items-start gap-2 text-sm"
                      : "flex items-start gap-2 text-sm text-slate-500"
                  }
                >
                  <input
                    type="checkbox"
                    className="mt-1"
                    disabled={chosen === undefined || (!available && !chosen.includes(method))}
                    checked={chosen === undefined ? available : chosen.includes(method)}
                    onChange={(e) => toggle(method, e.target.checked)}
                  />
                  <span>
                    {METHOD_LABELS[method].en}
                    {!available ? (
                      <span className="ml-1 text-xs">(no active connection offers it)</span>
                    ) : null}
                    {available ? (
                      <span className="block text-xs text-slate-500">
                        {channels
                          .map(
                            (c) =>
                              `${CHANNEL_LABELS[c]}: ${wallet && !CHANNELS_WITH_IN_CHAT_WALLETS.includes(c) ? "via link" : "yes"}`,
                          )
                          .join(" · ")}
                      </span>
                    ) : null}
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
        {linkOnly.length > 0 ? (
          <p className="rounded-md bg-sky-50 px-2 py-1.5 text-xs text-sky-900">
            On {linkOnly.map((c) => CHANNEL_LABELS[c]).join(", ")}, Apple Pay and Google Pay cannot
            open inside the chat: the customer gets the payment link and picks the wallet on the
            payment page.
          </p>
        ) : null}
      </fieldset>
    </>
  );
}
