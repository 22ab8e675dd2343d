import { forwardRef, type ButtonHTMLAttributes } from "react";
import { cn } from "./cn";

type Variant = "primary" | "secondary" | "danger" | "ghost";
type Size = "sm" | "md";

const VARIANTS: Record<Variant, string> = {
  primary: "bg-brand-600 text-white shadow-sm hover:bg-brand-700 disabled:bg-brand-600/50",
  secondary: "bg-white text-zinc-800 border border-zinc-300 shadow-sm hover:bg-zinc-50 disabled:text-zinc-400",
  danger: "bg-red-600 text-white shadow-sm hover:bg-red-700 disabled:bg-red-600/40",
  ghost: "text-zinc-700 hover:bg-zinc-100 disabled:text-zinc-400",
};
const SIZES: Record<Size, string> = {
  sm: "h-8 px-3 text-sm gap-1.5",
  md: "h-9 px-4 text-sm gap-2",
};

export function buttonClasses(variant: Variant = "primary", size: Size = "md", className?: string) {
  return cn(
    "inline-flex items-center justify-center rounded-md font-medium transition-colors disabled:cursor-not-allowed whitespace-nowrap",
    VARIANTS[variant],
    SIZES[size],
    className,
  );
}

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: Size;
}

export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { variant = "primary", size = "md", className, type = "button", ...props },
  ref,
) {
  return <button ref={ref} type={type} className={buttonClasses(variant, size, className)} {...props} />;
});

/** A dialog form's footer: Cancel, and the submit button that says when it is working. */
export function FormActions({
  onCancel,
  pending,
  label,
  pendingLabel,
  compact = false,
}: {
  onCancel: () => void;
  pending: boolean;
  label: string;
  pendingLabel: string;
  /** Small buttons in one row, no rule above: for a form inside a panel (a token's details). */
  compact?: boolean;
}) {
  const size = compact ? "sm" : undefined;
  return (
    <div className={compact ? "flex justify-end gap-2" : "flex flex-col-reverse gap-2 border-t border-zinc-100 pt-4 sm:flex-row sm:justify-end"}>
      <Button variant="secondary" size={size} onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" size={size} disabled={pending}>
        {pending ? pendingLabel : label}
      </Button>
    </div>
  );
}
