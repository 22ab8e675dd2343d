"use client";

import { Monitor, Moon, Sun } from "lucide-react";
import { cn } from "@/components/ui/cn";
import type { ThemeChoice } from "./theme";
import { useTheme } from "./use-theme";

const CHOICES: Array<{ value: ThemeChoice; label: string; Icon: typeof Sun }> = [
  { value: "light", label: "Light", Icon: Sun },
  { value: "dark", label: "Dark", Icon: Moon },
  { value: "system", label: "System", Icon: Monitor },
];

/** Light / dark / system, as a radio group of three icon buttons. */
export function ThemeToggle({ className, tone = "sidebar" }: { className?: string; tone?: "sidebar" | "page" }) {
  const [choice, setChoice] = useTheme();
  return (
    <div role="radiogroup" aria-label="Theme" className={cn("inline-flex rounded-md border p-0.5", tone === "sidebar" ? "border-zinc-700" : "border-zinc-300", className)}>
      {CHOICES.map(({ value, label, Icon }) => {
        const active = choice === value;
        return (
          <button
            key={value}
            type="button"
            role="radio"
            aria-checked={active}
            aria-label={label}
            title={label}
            onClick={() => setChoice(value)}
            className={cn(
              "rounded p-1.5",
              tone === "sidebar"
                ? active
                  ? "bg-zinc-700 text-white"
                  : "text-zinc-400 hover:text-white"
                : active
                  ? "bg-zinc-200 text-zinc-900"
                  : "text-zinc-500 hover:text-zinc-900",
            )}
          >
            <Icon aria-hidden className="size-4" />
          </button>
        );
      })}
    </div>
  );
}
