"use client";

import { useEffect, useId, useRef } from "react";
import { cn } from "./cn";

/**
 * A modal on the native <dialog>: the browser traps focus, Escape and the backdrop close it, and
 * focus returns to the button that opened it. The content mounts only while open, so a form
 * inside starts afresh each time. The title names the dialog for assistive technology.
 * `side="left"` makes it a drawer along the screen's left edge (the shell's phone menu).
 */
export function Dialog({
  open,
  onClose,
  title,
  size = "lg",
  side,
  children,
}: {
  open: boolean;
  onClose(): void;
  title: string;
  size?: "md" | "lg";
  side?: "left";
  children: React.ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      className={cn(
        "w-full whitespace-normal bg-white p-0 text-left shadow-xl backdrop:bg-slate-900/40",
        side === "left"
          ? "my-0 ml-0 mr-auto h-dvh max-h-dvh w-72 max-w-[85vw] overflow-y-auto"
          : cn("m-auto rounded-lg", size === "md" ? "max-w-md" : "max-w-lg"),
      )}
    >
      {open ? (
        <div className={side === "left" ? "space-y-4 p-4" : "space-y-4 p-6"}>
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            {title}
          </h2>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}
