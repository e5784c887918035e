"use server";

import { getDb } from "@/db/client";
import { headers } from "next/headers";
import { submitSandboxChoice, type SandboxChoiceResult } from "./submit";

// The hosted Sandbox page's action: public (see submit.ts), so it does not go through
// lib/action.ts, which resolves a signed-in member.
export async function completeSandboxChoice(input: unknown): Promise<SandboxChoiceResult> {
  return submitSandboxChoice(getDb(), await headers(), input);
}
