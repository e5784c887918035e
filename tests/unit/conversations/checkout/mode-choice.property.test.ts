// Issue 15: whatever connections a merchant has, a conversation is only ever offered (and only
// ever pays through) connections of its own mode. A live chat never lands on Sandbox.
import { MODES, type Mode } from "@/db/schema";
import { PAYMENT_METHODS, PROVIDER_KINDS } from "@/lib/connections/providers/types";
import {
  availableMethodsFor,
  pickConnection,
  type ConnectionOffer,
} from "@/lib/conversations/checkout/methods";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const CURRENCIES = ["EUR", "USD", "IDR"] as const;

// Typed once, so the spread below keeps the Mode type rather than widening to string.
const TEST: Mode = "test";

const offer: fc.Arbitrary<ConnectionOffer> = fc
  .record({
    id: fc.string({ minLength: 1, maxLength: 6 }),
    provider: fc.constantFrom(...PROVIDER_KINDS),
    mode: fc.constantFrom(...MODES),
    status: fc.constantFrom("active", "disabled", "error"),
    methods: fc.subarray([...PAYMENT_METHODS]),
    currencies: fc.subarray([...CURRENCIES]),
  })
  // The schema holds Sandbox to test mode; generate what the database can hold.
  .map((c) => (c.provider === "sandbox" ? { ...c, mode: TEST } : c));

const scenario = fc.record({
  connections: fc.array(offer, { maxLength: 8 }),
  mode: fc.constantFrom(...MODES),
  currency: fc.constantFrom(...CURRENCIES),
  method: fc.option(fc.constantFrom(...PAYMENT_METHODS), { nil: undefined }),
  methods: fc.subarray([...PAYMENT_METHODS]),
  pinned: fc.option(fc.nat(7), { nil: undefined }),
  preferSandbox: fc.boolean(),
  wallets: fc.boolean(),
});

describe("connection choice by mode", () => {
  it("never picks a connection of the other mode, nor Sandbox for a live conversation", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const picked = pickConnection(s.connections, {
          mode: s.mode,
          currency: s.currency,
          method: s.method,
          methods: s.methods,
          // The pay node may name any connection, even one of the other mode.
          connectionId: s.pinned === undefined ? undefined : s.connections[s.pinned]?.id,
          preferSandbox: s.preferSandbox,
        });
        if (!picked) return;
        expect(picked.mode).toBe(s.mode);
        expect(picked.status).toBe("active");
        if (s.mode === "live") expect(picked.provider).not.toBe("sandbox");
      }),
      { numRuns: 500 },
    );
  });

  it("offers only methods that some active connection of the conversation's mode covers", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const methods = availableMethodsFor(s.connections, s.mode, s.currency, {
          wallets: s.wallets,
        });
        const sameMode = s.connections.filter(
          (c) =>
            c.mode === s.mode &&
            c.status === "active" &&
            c.currencies.includes(s.currency) &&
            (s.mode === "test" || c.provider !== "sandbox"),
        );
        for (const method of methods)
          expect(sameMode.some((c) => c.methods.includes(method))).toBe(true);
        // And the connection picked for any offered method is of that mode.
        for (const method of methods) {
          const picked = pickConnection(s.connections, {
            mode: s.mode,
            currency: s.currency,
            method,
            methods,
          });
          expect(picked?.mode).toBe(s.mode);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("gives a live conversation nothing when the merchant has only test connections", () => {
    fc.assert(
      fc.property(fc.array(offer, { maxLength: 8 }), (all) => {
        const tests = all.map((c) => ({ ...c, mode: TEST }));
        expect(availableMethodsFor(tests, "live", "EUR", { wallets: true })).toEqual([]);
        expect(
          pickConnection(tests, { mode: "live", currency: "EUR", methods: [...PAYMENT_METHODS] }),
        ).toBeUndefined();
      }),
    );
  });
});
