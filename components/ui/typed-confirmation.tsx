"use client";

import { useId } from "react";

/** "Type <expected> to confirm": the input that guards irreversible actions (revoke, delete). */
export function TypedConfirmation({ expected, value, onChange }: { expected: string; value: string; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        Type <span className="font-mono font-semibold">{expected}</span> to confirm
      </label>
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        className="block w-full rounded-md border border-zinc-300 px-3 py-2 text-sm focus:border-red-500 focus:outline-none focus:ring-2 focus:ring-red-500/20"
      />
    </div>
  );
}
