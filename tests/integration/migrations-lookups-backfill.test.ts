// The global-lookups backfill of db/migrations/0011_global_lookups.sql on a database that already
// holds invites and flows: migrate to 0010 only, write rows the way the old schema allowed, apply
// the rest, then check every invite token and public key finds its row through global_lookups
// (and that the app's readers use it: the chat's flow and the invitation page).
import { createFreshDatabase, type FreshDatabase } from "@/db/admin";
import { MIGRATIONS_FOLDER, openPglite, openPostgres, type DbHandle } from "@/db/client";
import { getFlowByPublicKey } from "@/lib/conversations/engine/graphs";
import { hashToken } from "@/lib/crypto/tokens";
import { describeInvitation } from "@/lib/team/accept-invite";
import { sql } from "drizzle-orm";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PG_URL, ENGINES, type Engine } from "./helpers/test-db";

const LAST_BEFORE_LOOKUPS = "0010_analytics_rollups";

function migrationsUpTo(lastTag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-migrations-"));
  fs.cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalPath, "utf8")) as {
    entries: { tag: string }[];
  };
  const end = journal.entries.findIndex((e) => e.tag === lastTag);
  if (end < 0) throw new Error(`no migration ${lastTag} in the journal`);
  journal.entries = journal.entries.slice(0, end + 1);
  fs.writeFileSync(journalPath, JSON.stringify(journal, null, 2));
  return dir;
}

const A = "mer_lookup_a";
const B = "mer_lookup_b";
const TOKEN_A = "a".repeat(43);
const TOKEN_B = "b".repeat(43);
const future = new Date(Date.now() + 86_400_000).toISOString();

const PRE_0011_ROWS = [
  `insert into merchants (id, name, slug) values ('${A}', 'Lumière Bistro', 'lookup-a'), ('${B}', 'Café Bleu', 'lookup-b')`,
  `insert into invites (merchant_id, id, email, role, token_hash, expires_at) values
    ('${A}', 'inv_a', 'new@a.test', 'support', '${hashToken(TOKEN_A)}', '${future}'),
    ('${B}', 'inv_b', 'new@b.test', 'analyst', '${hashToken(TOKEN_B)}', '${future}')`,
  `insert into flows (merchant_id, id, name, public_key, status, draft_graph) values
    ('${A}', 'flow_a1', 'Order coffee', 'pk_lookup_a1', 'published', '{}'::jsonb),
    ('${A}', 'flow_a2', 'Pay an invoice', 'pk_lookup_a2', 'draft', '{}'::jsonb),
    ('${B}', 'flow_a1', 'Same id, other merchant', 'pk_lookup_b1', 'published', '{}'::jsonb)`,
];

describe.each(ENGINES)("the 0011 global-lookups backfill on %s", (engine: Engine) => {
  let handle: DbHandle;
  let database: FreshDatabase | undefined;
  let partialFolder: string;
  const rows = async (query: string) => (await handle.db.execute(sql.raw(query))).rows;

  beforeAll(async () => {
    partialFolder = migrationsUpTo(LAST_BEFORE_LOOKUPS);
    let migrateFrom: (folder: string) => Promise<void>;
    if (engine === "pglite") {
      handle = openPglite();
      migrateFrom = (folder) => migratePglite(handle.db as never, { migrationsFolder: folder });
    } else {
      database = await createFreshDatabase(ADMIN_PG_URL, "parley_t");
      handle = openPostgres(database.url, 2);
      migrateFrom = (folder) => migratePg(handle.db, { migrationsFolder: folder });
    }
    await migrateFrom(partialFolder);
    for (const statement of PRE_0011_ROWS) await rows(statement);
    await migrateFrom(MIGRATIONS_FOLDER);
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
    if (partialFolder) fs.rmSync(partialFolder, { recursive: true, force: true });
  });

  it("gives every existing invite token and public key its lookup row", async () => {
    expect(
      await rows(
        `select kind, lookup_key, merchant_id, target_id from global_lookups order by kind, lookup_key`,
      ),
    ).toEqual([
      { kind: "flow_public_key", lookup_key: "pk_lookup_a1", merchant_id: A, target_id: "flow_a1" },
      { kind: "flow_public_key", lookup_key: "pk_lookup_a2", merchant_id: A, target_id: "flow_a2" },
      { kind: "flow_public_key", lookup_key: "pk_lookup_b1", merchant_id: B, target_id: "flow_a1" },
      ...[
        {
          kind: "invite_token",
          lookup_key: hashToken(TOKEN_A),
          merchant_id: A,
          target_id: "inv_a",
        },
        {
          kind: "invite_token",
          lookup_key: hashToken(TOKEN_B),
          merchant_id: B,
          target_id: "inv_b",
        },
      ].sort((x, y) => x.lookup_key.localeCompare(y.lookup_key)),
    ]);
  });

  it("keeps the rows themselves, and the readers find them by key", async () => {
    expect((await rows(`select count(*)::int as n from flows`))[0].n).toBe(3);
    expect((await rows(`select count(*)::int as n from invites`))[0].n).toBe(2);
    const flowB = await getFlowByPublicKey(handle.db, "pk_lookup_b1");
    expect({ merchantId: flowB?.merchantId, name: flowB?.name }).toEqual({
      merchantId: B,
      name: "Same id, other merchant",
    });
    expect(await getFlowByPublicKey(handle.db, "pk_unknown")).toBeUndefined();
    const invitation = await describeInvitation(handle.db, TOKEN_B);
    expect(invitation).toMatchObject({ status: "valid", email: "new@b.test" });
  });

  it("then refuses a second row claiming a key another merchant holds", async () => {
    await expect(
      rows(
        `insert into global_lookups (kind, lookup_key, merchant_id, target_id) values ('flow_public_key', 'pk_lookup_a1', '${B}', 'flow_x')`,
      ),
    ).rejects.toThrow();
  });
});
