import { cn } from "./cn";

type Variant = "primary" | "secondary" | "danger" | "ghost";

const VARIANTS: Record<Variant, string> = {
  primary: "bg-brand-600 text-white hover:bg-brand-700 disabled:bg-brand-600/50",
  secondary:
    "bg-white text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50 disabled:text-slate-400",
  danger: "bg-red-600 text-white hover:bg-red-700 disabled:bg-red-600/50",
  ghost: "text-slate-700 hover:bg-slate-100",
};

export function Button({
  variant = "primary",
  className,
  ...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return (
    <button
      className={cn(
        "inline-flex items-center justify-center gap-2 rounded-md px-3 py-2 text-sm font-medium transition disabled:cursor-not-allowed",
        VARIANTS[variant],
        className,
      )}
      {...props}
    />
  );
}

/**
 * A form's submit button with what happened beside it: the pending label while it works, and a
 * status message (announced to screen readers) once it is done.
 */
export function SubmitRow({
  label,
  pendingLabel,
  pending,
  done,
  variant = "secondary",
  doneClassName = "text-sm text-emerald-700",
}: {
  label: string;
  pendingLabel: string;
  pending: boolean;
  /** The message once done; nothing while null or empty. */
  done: string | null;
  variant?: Variant;
  doneClassName?: string;
}) {
  return (
    <div className="flex items-center gap-3">
      <Button type="submit" variant={variant} disabled={pending}>
        {pending ? pendingLabel : label}
      </Button>
      {done ? (
        <span role="status" className={doneClassName}>
          {done}
        </span>
      ) : null}
    </div>
  );
}
