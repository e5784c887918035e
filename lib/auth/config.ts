import { getDb } from "@/db/client";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { authenticate } from "./credentials";
import { authSecret } from "./secret";

class RateLimited extends CredentialsSignin {
  code = "rate_limited";
}

function clientIp(request: Request | undefined): string | null {
  const forwarded = request?.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request?.headers.get("x-real-ip") || null;
}

// Credentials sign-in needs JWT sessions (Auth.js); revocation is enforced separately by
// comparing the token's session version with the user row on every request (lib/auth/context.ts).
export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
  pages: { signIn: "/sign-in" },
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, request) {
        const result = await authenticate(
          getDb(),
          {
            email: String(credentials?.email ?? ""),
            password: String(credentials?.password ?? ""),
          },
          { ip: clientIp(request), userAgent: request?.headers.get("user-agent") ?? null },
        );
        if (!result.ok) {
          if (result.reason === "rate_limited") throw new RateLimited();
          return null;
        }
        return {
          id: result.user.id,
          email: result.user.email,
          name: result.user.name,
          sessionVersion: result.user.sessionVersion,
        };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
      }
      return token;
    },
    session({ session, token }) {
      return {
        ...session,
        userId: typeof token.uid === "string" ? token.uid : undefined,
        sessionVersion: typeof token.sv === "number" ? token.sv : undefined,
      };
    },
  },
});

declare module "next-auth" {
  interface Session {
    userId?: string;
    sessionVersion?: number;
  }
}
