import bcrypt from "bcryptjs";

// bcryptjs: maintained, pure JS (no native build on CI). Cost 10 ≈ 60–80 ms here.
const COST = 10;
// Compared against when the email is unknown, so timing does not reveal which emails exist.
const DUMMY_HASH = "$2b$10$CwTycUXWue0Thq9StjUM0uJ8.bHBXyZyIMbwh0dlyrKL7VuZ1NHGu";

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export async function verifyPassword(
  password: string,
  hash: string | null | undefined,
): Promise<boolean> {
  const ok = await bcrypt.compare(password, hash ?? DUMMY_HASH);
  return Boolean(hash) && ok;
}
