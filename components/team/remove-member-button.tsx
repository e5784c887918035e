"use client";

import { Button } from "@/components/ui/button";
import { removeMember } from "@/lib/team/actions";
import { useState, useTransition } from "react";
import { ConfirmDialog } from "./confirm-dialog";

export function RemoveMemberButton({
  userId,
  name,
  email,
  merchantName,
  isSelf,
}: {
  userId: string;
  name: string;
  email: string;
  merchantName: string;
  isSelf: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <>
      <Button
        type="button"
        variant="ghost"
        className="py-1.5 text-red-700 hover:bg-red-50"
        aria-label={`Remove ${email}`}
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
      >
        Remove
      </Button>
      <ConfirmDialog
        open={open}
        title={isSelf ? `Leave ${merchantName}?` : `Remove ${name}?`}
        confirmLabel="Confirm removal"
        pending={pending}
        error={error}
        onClose={() => setOpen(false)}
        onConfirm={() =>
          startTransition(async () => {
            const result = await removeMember({ userId });
            if (result.ok) setOpen(false);
            else setError(result.error);
          })
        }
      >
        {isSelf ? (
          <p>You will lose access to {merchantName} and be signed out.</p>
        ) : (
          <p>
            {email} loses access to {merchantName} straight away and is signed out. Their account
            and any other teams they belong to are kept.
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
