// 商品マスタ取込 from a file: the merchant uploads the product file their channel lets them download (RMS's
// item CSV, Shift_JIS); it is read at once (a wrong file is refused with the reason) and queued for the
// store's products.import function, which imports it page by page with its progress in the run history.
import { and, eq } from "drizzle-orm";
import { productFileReaders } from "../channels/registry.ts";
import { type Db, inTransaction } from "../db/connection.ts";
import { emit } from "../db/repositories/outbox.ts";
import { getStore } from "../db/repositories/scope.ts";
import { storeFunctions, syncRuns } from "../db/schema.ts";
import { conflict, invalid } from "../domain/errors.ts";
import { ensureStoreFunctions, requestManualRun } from "../jobs/store-functions.ts";

export async function uploadProductFile(
  db: Db,
  command: { organizationId: number; storeId: number; fileName: string; file: Buffer; actor: string },
) {
  const store = await getStore(db, command.organizationId, command.storeId);
  const read = productFileReaders[store.channel];
  if (!read) {
    throw invalid("no_product_file", `a ${store.channel} store has no product file to upload`, "channel");
  }
  if (command.file.length === 0) throw invalid("empty_file", "the uploaded file is empty", "file");
  let products: ReturnType<typeof read>;
  try {
    products = read(command.file);
  } catch (error) {
    throw invalid("unreadable_file", error instanceof Error ? error.message : String(error), "file");
  }
  const [running] = await db
    .select({ id: syncRuns.id })
    .from(syncRuns)
    .where(
      and(
        eq(syncRuns.storeId, store.id),
        eq(syncRuns.function, "products.import"),
        eq(syncRuns.outcome, "running"),
      ),
    );
  if (running) {
    throw conflict(
      "import_running",
      `the store's product import (run ${running.id}) is still running; upload again when it is done`,
    );
  }
  await ensureStoreFunctions(db, store);
  await inTransaction(db, async (tx) => {
    await tx
      .update(storeFunctions)
      .set({ cursor: { upload: { fileName: command.fileName, products, position: 0 } } })
      .where(and(eq(storeFunctions.storeId, store.id), eq(storeFunctions.function, "products.import")));
    await requestManualRun(tx, store.id, "products.import"); // runs even if a job was queued already
    await emit(tx, store.organizationId, {
      type: "function.triggered",
      payload: { storeId: store.id, fn: "products.import", actor: command.actor },
    });
  });
  return { storeId: store.id, fileName: command.fileName, products: products.length, requested: true };
}
