"use client";

// The shell on a phone: a "Menu" button opening the navigation in a drawer. The drawer is the
// shared Dialog (components/ui/dialog.tsx) on the native modal <dialog>, which already gives
// what a menu drawer needs — focus moved in and trapped, Escape and the backdrop close it, focus
// returned to the button, the page behind made inert — so no dialog library is added for it.
import { Dialog } from "@/components/ui/dialog";
import { useState } from "react";

export function MobileNav({ children }: { children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen(true)}
        className="inline-flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100"
      >
        <span aria-hidden>☰</span>
        Menu
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Menu" side="left">
        {/* Following a link closes the drawer; the page it opens is the one to read. */}
        <div
          onClick={(event) => {
            if (event.target instanceof Element && event.target.closest("a[href]")) setOpen(false);
          }}
        >
          {children}
        </div>
        <button
          type="button"
          onClick={() => setOpen(false)}
          className="w-full rounded-md px-3 py-2 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100"
        >
          Close menu
        </button>
      </Dialog>
    </>
  );
}
