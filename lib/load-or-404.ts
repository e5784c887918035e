import { AppError } from "@/lib/errors";
import { notFound } from "next/navigation";
import "server-only";

/** Another merchant's id reads as "does not exist": the service throws 404, the page shows it. */
export async function loadOr404<T>(load: Promise<T | null | undefined>): Promise<T> {
  let value: T | null | undefined;
  try {
    value = await load;
  } catch (error) {
    if (error instanceof AppError && error.status === 404) notFound();
    throw error;
  }
  if (value === null || value === undefined) notFound();
  return value;
}
