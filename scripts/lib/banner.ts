import { DEMO_LOGINS } from "@/db/seed";
import { appUrl } from "@/lib/env";

export function printLogins(): void {
  const lines = [
    "",
    `  Parley is at ${appUrl()}/sign-in`,
    "",
    "  Demo logins (password for all: parley-demo):",
    ...DEMO_LOGINS.map((l) => `    ${l.email.padEnd(24)} ${l.role.padEnd(8)} ${l.merchant}`),
    "",
  ];
  console.log(lines.join("\n"));
}
