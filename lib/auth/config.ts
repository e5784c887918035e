import { getDb } from "@/db/client";
import { appUrl } from "@/lib/env";
import { clientIp } from "@/lib/http/client-ip";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { authenticate } from "./credentials";
import { authSecret } from "./secret";
import { SESSION_MAX_AGE_S } from "./sessions";

class RateLimited extends CredentialsSignin {
  code = "rate_limited";
}

// Credentials sign-in needs JWT sessions (Auth.js). The token names a server-side session row
// (lib/auth/sessions.ts) checked on every request, so sign-out revokes it for every copy of the
// cookie; the session version on the user row is compared too (lib/auth/context.ts).
export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: authSecret(),
  trustHost: true,
  // Secure cookies (and the __Secure- prefix) whenever Parley is served over https.
  useSecureCookies: appUrl().startsWith("https://"),
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  pages: { signIn: "/sign-in" },
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, request) {
        const result = await authenticate(
          getDb(),
          {
            email: typeof credentials?.email === "string" ? credentials.email : "",
            password: typeof credentials?.password === "string" ? credentials.password : "",
          },
          {
            ip: request ? clientIp(request.headers) : null,
            userAgent: request?.headers.get("user-agent") ?? null,
          },
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
          sessionId: result.sessionId,
        };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
        token.sid = (user as { sessionId?: string }).sessionId;
      }
      return token;
    },
    session({ session, token }) {
      return {
        ...session,
        userId: typeof token.uid === "string" ? token.uid : undefined,
        sessionVersion: typeof token.sv === "number" ? token.sv : undefined,
        sessionId: typeof token.sid === "string" ? token.sid : undefined,
      };
    },
  },
});

declare module "next-auth" {
  interface Session {
    userId?: string;
    sessionVersion?: number;
    sessionId?: string;
  }
}
