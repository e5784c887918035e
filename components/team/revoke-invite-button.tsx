"use client";

import { Button } from "@/components/ui/button";
import { revokeInvite } from "@/lib/team/actions";
import { useState, useTransition } from "react";

export function RevokeInviteButton({ inviteId, email }: { inviteId: string; email: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="flex items-center justify-end gap-2">
      {error ? (
        <span role="alert" className="whitespace-normal text-xs font-medium text-red-700">
          {error}
        </span>
      ) : null}
      <Button
        type="button"
        variant="ghost"
        className="py-1.5 text-red-700 hover:bg-red-50"
        aria-label={`Revoke invite for ${email}`}
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            setError(null);
            const result = await revokeInvite({ inviteId });
            if (!result.ok) setError(result.error);
          })
        }
      >
        {pending ? "Revoking…" : "Revoke"}
      </Button>
    </div>
  );
}
