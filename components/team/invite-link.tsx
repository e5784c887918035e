"use client";

import { Button } from "@/components/ui/button";
import { ROLE_LABELS, type Role } from "@/lib/auth/permissions";
import { useRef, useState } from "react";

/** The link exists only in this browser tab: the server keeps just its hash. */
export function InviteLink({
  email,
  role,
  expiresAt,
  link,
  onDismiss,
}: {
  email: string;
  role: Role;
  expiresAt: string;
  link: string;
  onDismiss: () => void;
}) {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  const linkRef = useRef<HTMLElement>(null);
  const expires = new Intl.DateTimeFormat("en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
  }).format(new Date(expiresAt));

  return (
    <section
      aria-label={`Invite link for ${email}`}
      className="space-y-2 rounded-md bg-emerald-50 p-4 text-sm ring-1 ring-emerald-200"
    >
      <p className="font-medium text-emerald-900">
        Invite for {email} as {ROLE_LABELS[role]} created.
      </p>
      <p className="text-emerald-900">
        Send them this link yourself. It is shown only now, works once, and expires on {expires}.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <code
          ref={linkRef}
          data-testid="invite-link"
          className="min-w-0 flex-1 select-all break-all rounded bg-white px-2 py-1.5 font-mono text-xs text-slate-800 ring-1 ring-emerald-200"
        >
          {link}
        </code>
        <Button
          type="button"
          variant="secondary"
          onClick={() =>
            void (async () => {
              try {
                await navigator.clipboard.writeText(link);
                setCopied("copied");
              } catch {
                // Clipboard access can be refused (insecure origin, permissions); select the text instead.
                const range = document.createRange();
                if (linkRef.current) range.selectNodeContents(linkRef.current);
                window.getSelection()?.removeAllRanges();
                window.getSelection()?.addRange(range);
                setCopied("failed");
              }
            })()
          }
        >
          Copy link
        </Button>
        <Button type="button" variant="ghost" onClick={onDismiss}>
          Done
        </Button>
      </div>
      <p aria-live="polite" className="text-xs text-emerald-900">
        {copied === "copied"
          ? "Copied to the clipboard."
          : copied === "failed"
            ? "Press Ctrl+C (⌘C) to copy the selected link."
            : ""}
      </p>
    </section>
  );
}
