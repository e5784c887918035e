"use client";

import { Button } from "@/components/ui/button";

/** Ten recovery codes, shown once: a list to copy, and a text file to keep. */
export function RecoveryCodes({ codes, email }: { codes: string[]; email: string }) {
  function download() {
    const text = [
      `Parley recovery codes for ${email}`,
      "Each code works once, in place of a code from your authenticator app.",
      "",
      ...codes,
      "",
    ].join("\n");
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "parley-recovery-codes.txt";
    link.click();
    URL.revokeObjectURL(url);
  }
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700">
        Keep these somewhere safe, away from your phone. Each one signs you in once if you lose the
        app. <strong>They are shown only now.</strong>
      </p>
      <ul
        data-testid="recovery-codes"
        className="grid grid-cols-2 gap-2 rounded-md bg-slate-50 p-3 font-mono text-sm ring-1 ring-slate-200"
      >
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <Button type="button" variant="secondary" onClick={download}>
        Download codes
      </Button>
    </div>
  );
}
