import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";

/** A unique index refused the write (two things with one name): the caller says which name. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
