// The organization (組織) itself, as its own API keys may see it.
import { eq } from "drizzle-orm";
import { notFound } from "../../../domain/errors.ts";
import type { Db } from "../../connection.ts";
import { organizations } from "../../schema.ts";

export async function getOrganization(db: Db, organizationId: number) {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, organizationId));
  if (!row) throw notFound(`merchant ${organizationId}`, "merchantId");
  return row;
}
