// Test and live data are kept apart in the console: a cookie says which one the member is
// viewing (live unless they switched), and every query that shows figures or lists takes the
// mode it is given from here. Nothing sums across modes.
import type { ConnectionMode } from "@/lib/connections/providers/types";
import { cookies } from "next/headers";

export type ViewMode = ConnectionMode;

export const VIEW_MODE_COOKIE = "parley_view_mode";
export const VIEW_MODES = ["live", "test"] as const satisfies readonly ViewMode[];

/** The cookie's value as a mode: only the exact word "test" shows test data. */
export function parseViewMode(value: string | undefined | null): ViewMode {
  return value === "test" ? "test" : "live";
}

interface CookieReader {
  get(name: string): { value: string } | undefined;
}

/** The mode this request views: live when the cookie is absent or holds anything but "test". */
export async function viewModeFor(store?: CookieReader): Promise<ViewMode> {
  const reader = store ?? (await cookies());
  return parseViewMode(reader.get(VIEW_MODE_COOKIE)?.value);
}
