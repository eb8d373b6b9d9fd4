import { afterEach, describe, expect, it } from "vitest";
import { type CartEndpoint, startCartEndpoint } from "../../../simulators/cart-endpoint/server.ts";
import { ChannelError } from "../errors.ts";
import { createCartEndpointConnector } from "./connector.ts";

let cart: CartEndpoint;
afterEach(async () => cart?.close());

async function connectedCart(secrets?: Record<string, string>) {
  cart = await startCartEndpoint();
  cart.seedItems([
    { code: "TEA-SENCHA-100", stock: 3 },
    { code: "CUP-YUNOMI-AO", stock: 1 },
    { code: "GIFT-CARD", stock: 0, unlimited: true },
    { code: "TENUGUI", stock: 5, inventoryCode: "ZK-TENUGUI" },
  ]);
  return createCartEndpointConnector({
    endpoint: cart.url,
    secrets: secrets ?? { username: cart.username, password: cart.password },
    timeoutMs: 1_000,
  });
}

describe("the cart endpoint connector", () => {
  it("sets the cart's stock per product code, an option code joined to its item code", async () => {
    const connector = await connectedCart();

    const results = await connector.pushStock(
      [
        { itemCode: "TEA-SENCHA-100", quantity: 12 },
        { itemCode: "CUP-YUNOMI", optionCode: "AO", quantity: 4 },
      ],
      "run-1",
    );

    expect(results).toEqual([
      { itemCode: "TEA-SENCHA-100", status: "updated" },
      { itemCode: "CUP-YUNOMI", optionCode: "AO", status: "updated" },
    ]);
    expect(cart.stockOf("TEA-SENCHA-100")).toBe(12);
    expect(cart.stockOf("CUP-YUNOMI-AO")).toBe(4);
  });

  it("reports unlimited items, unknown codes and items under an inventory-management code per item", async () => {
    const connector = await connectedCart();

    const results = await connector.pushStock(
      [
        { itemCode: "GIFT-CARD", quantity: 1 },
        { itemCode: "NO-SUCH", quantity: 1 },
        { itemCode: "TENUGUI", quantity: 9 },
      ],
      "run-2",
    );

    expect(results).toEqual([
      expect.objectContaining({ itemCode: "GIFT-CARD", status: "rejected", reason: "unlimited" }),
      expect.objectContaining({ itemCode: "NO-SUCH", status: "rejected", reason: "not_found" }),
      expect.objectContaining({
        itemCode: "TENUGUI",
        status: "rejected",
        reason: "invalid",
        code: "unsupported_inventory_code",
        channelMessage: expect.stringMatching(/separate inventory-management code.*在庫管理コード/),
      }),
    ]);
    expect(cart.stockOf("TENUGUI")).toBe(5);
  });

  it("sends more than 100 items in batches of 100", async () => {
    const connector = await connectedCart();
    const many = Array.from({ length: 230 }, (_, i) => ({ code: `SKU-${i}`, stock: 0 }));
    cart.seedItems(many);

    const results = await connector.pushStock(
      many.map((m, i) => ({ itemCode: m.code, quantity: i })),
      "run-3",
    );

    expect(results.filter((r) => r.status === "updated")).toHaveLength(230);
    expect(cart.stockOf("SKU-229")).toBe(229);
    expect(cart.requestCount).toBe(3);
  });

  it("fails as an auth error, with the cart's message, when the password is wrong", async () => {
    const connector = await connectedCart({ username: "kura", password: "wrong" });

    const error = await connector.checkCredentials().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({
      kind: "auth",
      status: 401,
      channelMessage: "ユーザー名またはパスワードが違います。",
    });
  });

  it("fails as transient when the cart answers 503, so the engine retries", async () => {
    const connector = await connectedCart();
    cart.injectFaults({ kind: "error", status: 503 });

    const error = await connector
      .pushStock([{ itemCode: "TEA-SENCHA-100", quantity: 1 }], "run-4")
      .catch((e) => e);

    expect(error).toMatchObject({ kind: "transient", status: 503 });
    expect(await connector.checkCredentials()).toEqual({ account: "テストカート店", expiresAt: null });
  });

  it("refuses to be built without a user name and a password", () => {
    expect(() => createCartEndpointConnector({ endpoint: "http://127.0.0.1:1/", secrets: {} })).toThrow(
      /needs a user name and a password/,
    );
  });
});
