"use client";

import { signOut } from "next-auth/react";
import { useState, useTransition } from "react";
import { signOutEverywhereAction } from "@/lib/actions/account";
import { callAction } from "@/components/ui/call-action";

/** Ends every session of the user on the server, then this browser's cookie. */
export function useSignOutEverywhere() {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string>();
  const run = () =>
    start(async () => {
      const result = await callAction(() => signOutEverywhereAction({}));
      if (result.ok) await signOut({ callbackUrl: "/sign-in" });
      else setError(result.error);
    });
  return { run, pending, error };
}
