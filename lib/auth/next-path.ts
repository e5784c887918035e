/** A path on this site to go to after signing in, or the overview (`//other.site` is refused). */
export function safeNext(next: unknown): string {
  return typeof next === "string" &&
    next.startsWith("/") &&
    !next.startsWith("//") &&
    !next.startsWith("/\\")
    ? next
    : "/overview";
}
