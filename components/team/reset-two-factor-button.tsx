"use client";

import { useStepUp } from "@/components/auth/step-up";
import { Button } from "@/components/ui/button";
import { resetMemberTwoFactorAction } from "@/lib/team/actions";
import { useState, useTransition } from "react";
import { ConfirmDialog } from "./confirm-dialog";

/** For a member who lost their phone and their recovery codes: the owner starts them afresh. */
export function ResetTwoFactorButton({ userId, email }: { userId: string; email: string }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const withStepUp = useStepUp();
  return (
    <>
      <Button
        type="button"
        variant="ghost"
        className="py-1.5"
        aria-label={`Reset two-factor for ${email}`}
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
      >
        Reset 2FA
      </Button>
      <ConfirmDialog
        open={open}
        title={`Reset two-factor for ${email}?`}
        confirmLabel="Reset and sign them out"
        pending={pending}
        error={error}
        onClose={() => setOpen(false)}
        onConfirm={() =>
          startTransition(async () => {
            const result = await withStepUp(() => resetMemberTwoFactorAction({ userId }));
            if (result.ok) setOpen(false);
            else setError(result.error);
          })
        }
      >
        <p>
          Their authenticator app and recovery codes stop working and every session of theirs ends.
          They sign in with their password and set up a new app. Only do this once you are sure it
          is them asking.
        </p>
      </ConfirmDialog>
    </>
  );
}
