// The web admin in a real browser (Debian's chromium through playwright-core) against the real API, the
// sync engine and the test-channel simulator: sign in, fix a held order's mapping, ship with a tracking
// number, bundle two orders to one address (同梱), see the stock and the run history change, switch
// language. A screenshot of each screen is saved under test-results/screenshots/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestChannel, type TestChannel } from "../../simulators/test-channel/server.ts";
import type { SyncEngine } from "../../src/jobs/engine.ts";
import { type DemoShop, seedDemoShop } from "../../src/operations/demo-shop.ts";
import { registerOrder } from "../../src/operations/register-order.ts";
import { type Api, type MerchantClient, merchantClient, startApi } from "../api/support.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { anOrder } from "../support/fixtures.ts";
import { eventually, secretBox, startEngine } from "../sync/support.ts";

const chromiumPath = "/usr/bin/chromium";
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  console.warn(`browser tests skipped: ${chromiumPath} is missing (apt-get install -y chromium)`);
}
const screenshots = resolve("test-results/screenshots");

let testDb: TestDatabase;
let channel: TestChannel;
let engine: SyncEngine;
let api: Api;
let shop: DemoShop;
let client: MerchantClient;
let context: BrowserContext;
let page: Page;
let webRoot: string;
let profile: string;

async function buildAdmin(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), "kura-web-build-"));
  await build({
    configFile: resolve("web/vite.config.ts"),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

const shot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

const registerShopOrder = (
  lines: { itemCode: string; optionCode?: string; quantity: number }[],
  overrides: Parameters<typeof anOrder>[0] = {},
) =>
  registerOrder(testDb.database.db, {
    organizationId: shop.organizationId,
    storeId: shop.storeId,
    actor: "test",
    order: anOrder({
      deliveryMethod: "宅配便",
      paymentMethod: "クレジットカード決済",
      orderedAt: new Date().toISOString(),
      lines: lines.map((line) => ({ ...line, name: line.itemCode, unitPrice: 1000 })),
      ...overrides,
    }),
  });

describe.skipIf(!hasChromium)("the web admin in a browser", { timeout: 120_000 }, () => {
  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    webRoot = await buildAdmin();
    testDb = await createTestDatabase();
    channel = await startTestChannel({ requestsPerSecond: 50 });
    // A week of the shop's orders on the channel, imported by the engine, so the screens have data.
    channel.seedOrders({ count: 30, from: new Date(Date.now() - 6 * 86_400_000), to: new Date(), seed: 7 });
    shop = await seedDemoShop(testDb.database.db, secretBox, channel);
    engine = await startEngine(testDb.database);
    api = await startApi(testDb.database, { webRoot, secretBox });
    client = merchantClient(api, { orgId: shop.organizationId, token: shop.apiKey });
    profile = mkdtempSync(join(tmpdir(), "kura-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30_000);
    await eventually(async () => (await client.get("/orders?limit=1")).body.total_count >= 20, 90_000);
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await api?.close();
    await engine?.stop();
    await channel?.close();
    await testDb?.[Symbol.asyncDispose]();
    for (const dir of [webRoot, profile]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("signs in with the demo user and shows the dashboard in Japanese", async () => {
    await page.goto(`${api.url}/`);
    await page.getByLabel("メールアドレス").fill(shop.user.email);
    await page.getByLabel("パスワード").fill(shop.user.password);
    await page.getByRole("button", { name: "ログイン" }).click();

    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
    await page.getByTestId("store-functions").getByText("受注取込").first().waitFor();
    await page.getByTestId("orders-chart").locator("rect").first().waitFor({ timeout: 60_000 });
    await shot("dashboard");
  });

  it("finds a held order and fixes its correspondence right there; the order is allocated", async () => {
    const held = await registerShopOrder([{ itemCode: "TENUGUI", optionCode: "KOI", quantity: 1 }]);
    expect(held.held).toBe(true);

    await page.getByRole("link", { name: "受注伝票" }).click();
    const heldOnly = page.getByLabel("確認待ちのみ");
    await heldOnly.click();
    await expect.poll(() => heldOnly.isChecked()).toBe(true);
    const code = (await client.get(`/orders/${held.orderId}`)).body.orderCode;
    await page.getByTestId("orders-table").getByRole("link", { name: code }).waitFor();
    await shot("orders");
    await page.getByTestId("orders-table").getByRole("link", { name: code }).click();
    const fix = page.getByTestId("fix-correspondence");
    await fix.locator("input").first().click();
    await page.getByRole("option", { name: /TENUGUI-KOI/ }).click();
    await shot("order-held");
    await fix.getByRole("button", { name: "登録して再判定" }).click();

    await page.getByTestId("hold-reasons").waitFor({ state: "detached" });
    const order = await eventually(async () => {
      const answer = await client.get(`/orders/${held.orderId}`);
      return answer.body.allocated ? answer.body : null;
    }, 30_000);
    expect(order.items).toEqual([expect.objectContaining({ productCode: "TENUGUI-KOI", quantity: 1 })]);
    await page.getByText("TENUGUI-KOI × 1").waitFor();
    await shot("order-detail");
  });

  it("ships with a tracking number, and the stock leaves the warehouse", async () => {
    const registered = await registerShopOrder([{ itemCode: "TEA-SENCHA-100", quantity: 2 }]);
    const order = (await client.get(`/orders/${registered.orderId}`)).body;
    const before = (await client.get("/stock?productCode=TEA-SENCHA-100")).body.data[0];

    await page.getByRole("link", { name: "出荷伝票" }).click();
    await page.getByTestId("bundle-candidates").waitFor();
    const row = page.getByRole("row", { name: new RegExp(order.shipment.code) });
    await row.getByRole("button", { name: "出荷確定" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("送り状番号").fill("4567-8901-2345");
    await dialog.getByRole("button", { name: "出荷確定" }).click();
    await dialog.waitFor({ state: "detached" });

    const shipment = await eventually(async () => {
      const answer = await client.get(`/shipments/${order.shipment.id}`);
      return answer.body.status === "shipped" ? answer.body : null;
    }, 30_000);
    expect(shipment.trackingNumber).toBe("4567-8901-2345");
    await page.getByRole("link", { name: "在庫" }).click();
    const onHand = page.locator('[data-product="TEA-SENCHA-100"] [data-testid="on-hand"]');
    await expect.poll(() => onHand.textContent(), { timeout: 30_000 }).toBe(String(before.onHand - 2));
    await shot("inventory");
  });

  it("starts work on two slips, downloads their picking list, and ships both from a tracking CSV", async () => {
    const to = (address1: string) => ({
      deliveryAddresses: [
        {
          name: "高橋 一郎",
          postalCode: "530-0001",
          prefecture: "大阪府",
          city: "大阪市北区",
          address1,
          phone: "06-1234-5678",
        },
      ],
    });
    const registered = [
      await registerShopOrder([{ itemCode: "TEA-SENCHA-100", quantity: 1 }], to("梅田1-1-1")),
      await registerShopOrder([{ itemCode: "TEA-SENCHA-100", quantity: 1 }], to("梅田2-2-2")),
    ];
    const slips = await Promise.all(
      registered.map(async (r) => (await client.get(`/orders/${r.orderId}`)).body.shipment),
    );

    await page.getByRole("navigation").getByRole("link", { name: "出荷伝票" }).click();
    for (const slip of slips) await page.getByRole("checkbox", { name: slip.code }).check();
    await page.getByRole("button", { name: /出荷作業を開始/ }).click();
    const result = page.getByTestId("start-result");
    for (const slip of slips) await expect.poll(() => result.textContent()).toContain(slip.code);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      result.getByRole("button", { name: "ピッキングリスト" }).click(),
    ]);
    const pickingList = readFileSync((await download.path()) as string, "utf8");
    for (const slip of slips) expect(pickingList).toContain(slip.code);
    for (const slip of slips) {
      expect((await client.get(`/shipments/${slip.id}`)).body.status).toBe("in_progress");
    }

    const tracking = [
      "shipment_code,carrier,tracking_number,shipped_on",
      `${slips[0].code},ヤマト運輸,1111-2222-3333,2026-11-23`,
      `${slips[1].code},ヤマト運輸,4444-5555-6666,2026-11-23`,
    ].join("\r\n");
    await page.locator('input[type="file"][accept=".csv,text/csv"]').setInputFiles({
      name: "tracking.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(tracking, "utf8"),
    });
    await expect
      .poll(() => page.getByTestId("job-progress").textContent(), { timeout: 30_000 })
      .toContain("2 / 2");

    const shipped = await Promise.all(
      slips.map(async (slip) => (await client.get(`/shipments/${slip.id}`)).body),
    );
    expect(shipped.map((s) => [s.status, s.trackingNumber])).toEqual([
      ["shipped", "1111-2222-3333"],
      ["shipped", "4444-5555-6666"],
    ]);
  });

  it("bundles a candidate (同梱を実行): both orders then travel on one shipment slip", async () => {
    const address = {
      name: "鈴木 花子",
      postalCode: "150-0001",
      prefecture: "東京都",
      city: "渋谷区",
      address1: "神宮前9-9-9",
      phone: "03-1234-5678",
    };
    const registered = [
      await registerShopOrder([{ itemCode: "TEA-SENCHA-100", quantity: 1 }], {
        deliveryAddresses: [address],
      }),
      await registerShopOrder([{ itemCode: "TEA-SENCHA-100", quantity: 1 }], {
        deliveryAddresses: [address],
      }),
    ];
    const orderOf = async (id: number) => (await client.get(`/orders/${id}`)).body;
    const [first, second] = await Promise.all(registered.map((r) => orderOf(r.orderId)));
    expect(first.shipment.id).not.toBe(second.shipment.id);

    await page.getByRole("navigation").getByRole("link", { name: "出荷伝票" }).click();
    const candidate = page
      .getByTestId("bundle-candidate")
      .filter({ hasText: first.orderCode })
      .filter({ hasText: second.orderCode });
    await candidate.getByText("神宮前9-9-9").first().waitFor();
    await shot("shipments");
    await candidate.getByRole("button", { name: "同梱を実行" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "同梱を実行" }).click();
    const decided = page.getByTestId("bundle-decided");
    await decided.waitFor();

    const [firstAfter, secondAfter] = await Promise.all(registered.map((r) => orderOf(r.orderId)));
    expect(firstAfter.shipment.id).toBe(secondAfter.shipment.id);
    expect(firstAfter.shipment.id).not.toBe(first.shipment.id);
    const slip = (await client.get(`/shipments/${firstAfter.shipment.id}`)).body;
    expect(slip.lines.map((l: { orderId: number }) => l.orderId).sort()).toEqual(
      registered.map((r) => r.orderId).sort(),
    );
    await expect.poll(() => decided.textContent()).toContain(slip.code);
  });

  it("runs the order import now from the store screen, and the run history shows it", async () => {
    await page.getByRole("link", { name: "店舗" }).click();
    await page.getByTestId("stores-table").getByRole("link").first().waitFor();
    await shot("stores");
    await page.getByTestId("stores-table").getByRole("link").first().click();
    const history = page.getByTestId("run-history");
    await history.waitFor();
    const manualRuns = history.getByRole("row").filter({ hasText: "手動" });
    const before = await manualRuns.count();

    await page.locator('[data-function="orders.import"]').getByRole("button", { name: "今すぐ実行" }).click();

    await expect.poll(() => manualRuns.count(), { timeout: 45_000 }).toBeGreaterThan(before);
    await shot("store-detail");
  });

  it("shows the other screens", async () => {
    for (const [link, name] of [
      ["商品・対応表", "products"],
      ["アプリ", "apps"],
      ["APIキー", "api-keys"],
      ["ユーザー", "users"],
    ] as const) {
      await page.getByRole("navigation").getByRole("link", { name: link }).click();
      await page.getByRole("heading", { name: link }).waitFor();
      await shot(name);
    }
  });

  it("switches to English and back", async () => {
    await page.getByRole("navigation").getByRole("link", { name: "ダッシュボード" }).click();

    await page.getByTestId("language").click();

    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await page.getByRole("navigation").getByRole("link", { name: "Orders" }).waitFor();
    await shot("dashboard-en");
    await page.getByTestId("language").click();
    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
  });
});
