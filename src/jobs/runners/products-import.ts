// 商品マスタ取込: the channel's items become products (商品) and the store's correspondence entries
// (商品対応表, one item → its product × 1), page by page, each page committed with the run's counts (the
// progress). The source is the channel's API, or a file the merchant uploaded (queued in the cursor).
// The store's settings keep `productImport.lastFetchedAt` (the next API import asks only for items changed
// since) and `productImport.startPosition` (items of the current pass already imported: a stopped pass
// resumes after them). Both are the merchant's to edit: clear `lastFetchedAt` to fetch everything again.
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { ChannelProduct } from "../../channels/types.ts";
import type { Db } from "../../db/connection.ts";
import { correspondenceComponents, correspondences, products, stores } from "../../db/schema.ts";
import { productCodeSchema } from "../../domain/master-inputs.ts";
import type { RunContext } from "./context.ts";

const settingsSchema = z.object({
  lastFetchedAt: z.string().datetime({ offset: true }).nullish(),
  startPosition: z.number().int().min(0).nullish(),
});

const uploadSchema = z.object({
  upload: z.object({
    fileName: z.string(),
    products: z.array(
      z.object({
        itemCode: z.string(),
        optionCode: z.string().optional(),
        productCode: z.string().optional(),
        name: z.string(),
        price: z.number().optional(),
        unlimitedStock: z.boolean(),
      }),
    ),
    position: z.number().int().min(0).default(0),
  }),
});

/** Products per committed page of an uploaded file. */
const uploadPageSize = 200;

export async function importProducts(context: RunContext): Promise<void> {
  const upload = uploadSchema.safeParse(context.cursor ?? {});
  if (upload.success) return importUpload(context, upload.data.upload);

  const { connector, store, journal } = context;
  if (!connector.capabilities.productImport || !connector.fetchProducts) {
    journal.error({
      message: `the ${store.channel} store takes its product master from an uploaded file, not from the API`,
    });
    return;
  }
  const fetchProducts = connector.fetchProducts.bind(connector);
  const settings = settingsSchema.safeParse(context.store.settings.productImport ?? {});
  const saved = settings.success ? settings.data : {};
  const passStartedAt = context.now();
  const updatedSince = saved.lastFetchedAt ? new Date(saved.lastFetchedAt) : undefined;
  const skip = saved.startPosition ?? 0;

  // Pages come from one listing (a cursor the channel hands out). A call that fails transiently starts the
  // listing again (a generator that threw is finished), skipping what was already imported.
  let done = skip;
  await journal.call("fetch products", async () => {
    let seen = 0;
    for await (const fetched of fetchProducts({ updatedSince })) {
      const page = fetched.slice(Math.max(0, done - seen));
      seen += fetched.length;
      if (page.length === 0) continue;
      await importPage(context, page);
      done = seen;
      await saveProgress(context.db, store.id, { startPosition: done });
      await context.checkpoint(null);
    }
  });
  await saveProgress(context.db, store.id, { lastFetchedAt: passStartedAt.toISOString(), startPosition: 0 });
}

async function importUpload(
  context: RunContext,
  upload: z.infer<typeof uploadSchema>["upload"],
): Promise<void> {
  for (let start = upload.position; start < upload.products.length; start += uploadPageSize) {
    await importPage(context, upload.products.slice(start, start + uploadPageSize));
    const position = Math.min(start + uploadPageSize, upload.products.length);
    await context.checkpoint(position < upload.products.length ? { upload: { ...upload, position } } : null);
  }
  await context.checkpoint(null);
}

/** Upserts the page's products (name only: safety stock and JAN stay as the merchant set them) and entries. */
async function importPage(context: RunContext, page: ChannelProduct[]): Promise<void> {
  const { db, store, journal } = context;
  const valid: Array<ChannelProduct & { code: string }> = [];
  for (const product of page) {
    journal.count("fetched");
    const code =
      product.productCode ??
      (product.optionCode ? `${product.itemCode}-${product.optionCode}` : product.itemCode);
    const checked = productCodeSchema.safeParse(code);
    if (!checked.success) {
      journal.count("failed");
      journal.error({
        message: `item ${product.itemCode}${product.optionCode ? ` / ${product.optionCode}` : ""}: product code "${code}" ${checked.error.issues[0]?.message}`,
        item: product.itemCode,
        kind: "invalid_product_code",
      });
      continue;
    }
    valid.push({ ...product, code: checked.data });
  }
  if (valid.length === 0) return;

  const existing = await db
    .select({ id: products.id, code: products.code, name: products.name })
    .from(products)
    .where(
      and(
        eq(products.organizationId, store.organizationId),
        inArray(
          products.code,
          valid.map((p) => p.code),
        ),
      ),
    );
  const byCode = new Map(existing.map((p) => [p.code, p]));
  for (const product of valid) {
    const known = byCode.get(product.code);
    let productId: number;
    if (!known) {
      const [row] = await db
        .insert(products)
        .values({ organizationId: store.organizationId, code: product.code, name: product.name })
        .onConflictDoUpdate({ target: [products.organizationId, products.code], set: { name: product.name } })
        .returning({ id: products.id });
      productId = row?.id as number;
      byCode.set(product.code, { id: productId, code: product.code, name: product.name });
      journal.count("created");
    } else {
      productId = known.id;
      if (known.name !== product.name) {
        await db
          .update(products)
          .set({ name: product.name, updatedAt: sql`now()` })
          .where(eq(products.id, known.id));
        journal.count("updated");
      } else {
        journal.count("unchanged");
      }
    }
    await ensureCorrespondence(db, store, product, productId);
  }
}

/** The store's entry for the item: created pointing at the product, or its unlimited-stock flag kept current. */
async function ensureCorrespondence(
  db: Db,
  store: RunContext["store"],
  product: ChannelProduct,
  productId: number,
): Promise<void> {
  const key = { storeId: store.id, itemCode: product.itemCode, optionCode: product.optionCode ?? "" };
  const [entry] = await db
    .insert(correspondences)
    .values({ organizationId: store.organizationId, ...key, unlimitedStock: product.unlimitedStock })
    .onConflictDoUpdate({
      target: [correspondences.storeId, correspondences.itemCode, correspondences.optionCode],
      set: { unlimitedStock: product.unlimitedStock },
    })
    .returning({ id: correspondences.id });
  if (!entry) return;
  // An entry the merchant already maps (a set, another SKU) keeps its components.
  const [component] = await db
    .select({ productId: correspondenceComponents.productId })
    .from(correspondenceComponents)
    .where(eq(correspondenceComponents.correspondenceId, entry.id))
    .limit(1);
  if (!component) {
    await db.insert(correspondenceComponents).values({ correspondenceId: entry.id, productId, quantity: 1 });
  }
}

async function saveProgress(
  db: Db,
  storeId: number,
  progress: { lastFetchedAt?: string; startPosition: number },
): Promise<void> {
  await db
    .update(stores)
    .set({
      settings: sql`jsonb_set(${stores.settings}, '{productImport}', coalesce(${stores.settings} -> 'productImport', '{}'::jsonb) || ${JSON.stringify(progress)}::jsonb)`,
    })
    .where(eq(stores.id, storeId));
}
