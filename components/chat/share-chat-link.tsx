"use client";
// Where customers chat with a published flow: the hosted chat page's link and the snippet that
// puts the chat bubble on the merchant's own site. For the flow's page in the dashboard.
import { Button } from "@/components/ui/button";
import { useState } from "react";

export interface ShareChatLinkProps {
  publicKey: string;
  /** Parley's public origin (appUrl()), so the snippet works when pasted elsewhere. */
  origin: string;
  published: boolean;
  defaultLanguage?: string;
}

export function ShareChatLink({
  publicKey,
  origin,
  published,
  defaultLanguage,
}: ShareChatLinkProps) {
  const [copied, setCopied] = useState<"link" | "snippet" | null>(null);
  const base = origin.replace(/\/+$/, "");
  const link = `${base}/chat/${publicKey}`;
  const snippet = `<script src="${base}/widget.js" data-flow="${publicKey}"${defaultLanguage ? ` data-lang="${defaultLanguage}"` : ""} async></script>`;

  if (!published) {
    return (
      <p className="text-sm text-slate-600">
        Publish the flow to open its chat link and website widget.
      </p>
    );
  }

  const copy = (what: "link" | "snippet", text: string) => {
    void navigator.clipboard?.writeText(text).then(() => {
      setCopied(what);
      setTimeout(() => setCopied(null), 1500);
    });
  };

  return (
    <div className="space-y-3 text-sm" data-testid="share-chat">
      <div>
        <p className="font-medium text-slate-800">Chat link</p>
        <div className="mt-1 flex items-center gap-2">
          <a
            href={link}
            target="_blank"
            rel="noopener noreferrer"
            className="truncate text-brand-700 underline"
            data-testid="hosted-chat-link"
          >
            {link}
          </a>
          <Button
            type="button"
            variant="secondary"
            className="shrink-0 px-2 py-1 text-xs"
            onClick={() => copy("link", link)}
          >
            {copied === "link" ? "Copied" : "Copy"}
          </Button>
        </div>
      </div>
      <div>
        <p className="font-medium text-slate-800">Website widget</p>
        <p className="text-xs text-slate-500">
          Paste before &lt;/body&gt; on your site: a chat bubble opens this flow.
        </p>
        <pre
          role="region"
          aria-label="Website widget snippet"
          tabIndex={0}
          className="mt-1 overflow-x-auto rounded-md bg-slate-900 p-2 text-xs text-slate-100"
        >
          {snippet}
        </pre>
        <Button
          type="button"
          variant="secondary"
          className="mt-1 px-2 py-1 text-xs"
          onClick={() => copy("snippet", snippet)}
        >
          {copied === "snippet" ? "Copied" : "Copy snippet"}
        </Button>
      </div>
    </div>
  );
}
