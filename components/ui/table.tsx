import type { ReactNode } from "react";
import { cn } from "./cn";

export interface Column {
  label: string;
  /** Read by screen readers, not shown (an actions column). */
  srOnly?: boolean;
  align?: "right";
  /** Extra classes for the header cell (e.g. hide a column below a width: its cells do the same). */
  className?: string;
}

/**
 * The one data table. On a phone each row becomes a card: the header row is
 * hidden and every cell shows its column's name before its value, so nothing is
 * cut off and every action stays reachable. Cells say their column with `label`.
 */
export function Table({ columns, children, className }: { columns: Column[]; children: ReactNode; className?: string }) {
  return (
    <table className={cn("w-full text-left text-sm max-sm:block", className)}>
      <thead className="whitespace-nowrap border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500 max-sm:hidden">
        <tr>
          {columns.map((c) => (
            <th key={c.label} scope="col" className={cn("px-4 py-3 font-medium", c.align === "right" && "text-right", c.className)}>
              {c.srOnly ? <span className="sr-only">{c.label}</span> : c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 max-sm:block">{children}</tbody>
    </table>
  );
}

export function Row({ children, className, ...rest }: { children: ReactNode; className?: string } & React.HTMLAttributes<HTMLTableRowElement>) {
  return (
    <tr className={cn("align-top max-sm:block max-sm:space-y-1.5 max-sm:px-4 max-sm:py-3", className)} {...rest}>
      {children}
    </tr>
  );
}

/**
 * A cell. On a phone it is a line of its card, led by its column's name
 * (`label`); `primary` cells (the row's name) lead the card without one.
 */
export function Cell({
  label,
  primary,
  align,
  className,
  children,
  ...rest
}: { label: string; primary?: boolean; align?: "right"; className?: string; children?: ReactNode } & React.TdHTMLAttributes<HTMLTableCellElement>) {
  return (
    <td
      data-label={label}
      className={cn(
        "px-4 py-3 max-sm:flex max-sm:items-start max-sm:gap-3 max-sm:p-0",
        !primary && "max-sm:before:w-24 max-sm:before:shrink-0 max-sm:before:font-sans max-sm:before:text-xs max-sm:before:text-zinc-500 max-sm:before:content-[attr(data-label)]",
        align === "right" && "sm:text-right",
        className,
      )}
      {...rest}
    >
      {children}
    </td>
  );
}
