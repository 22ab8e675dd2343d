import { NextResponse } from "next/server";

// Unauthenticated liveness probe; also the benchmark's baseline route.
export const dynamic = "force-dynamic";

export function GET() {
  return NextResponse.json({ status: "ok", time: new Date().toISOString() });
}
