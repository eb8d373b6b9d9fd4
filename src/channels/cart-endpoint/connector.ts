// The "cart endpoint" store kind (I5, zaikoRobot style): a cart without an API client of its own. Orders
// arrive by forwarded mail (src/mail/); Kura pushes stock per product code to the cart's endpoint with a
// user name and a password. Nothing else: no order polling, no shipment notice, no product import.
import { missing } from "../common/read.ts";
import { inBatches } from "../common/stock.ts";
import { ChannelError } from "../errors.ts";
import type {
  Connector,
  ConnectorCapabilities,
  ConnectorFactory,
  StockItem,
  StockItemResult,
} from "../types.ts";
import { channel, createCartEndpointClient } from "./client.ts";
import { toStockItemResult, toWireStockItem, wireCode } from "./map.ts";

export const cartEndpointCapabilities = {
  fetchOrders: null,
  pushedOrders: false,
  shipmentNotice: null,
  // Only numbers that changed through something other than the cart itself (see src/mail/own-order.ts).
  stockPush: { batchSize: 100, requestsPerSecond: 2, changedOnly: true },
  productImport: false,
  requestsPerSecond: 2,
  credentials: { kind: "basic", refresh: "none" },
} satisfies ConnectorCapabilities;

/** Endpoint: the cart's stock URL. Secrets: `username`, `password`. */
export const createCartEndpointConnector: ConnectorFactory = (settings) => {
  const { username, password } = settings.secrets;
  if (!settings.endpoint) throw missing(channel, "the cart's endpoint URL");
  if (!username || !password) {
    throw missing(channel, 'a user name and a password (credentials "username" and "password")');
  }
  const { batchSize, requestsPerSecond } = cartEndpointCapabilities.stockPush;
  const client = createCartEndpointClient({
    url: settings.endpoint,
    username,
    password,
    timeoutMs: settings.timeoutMs ?? 10_000,
    requestsPerSecond,
    pacingAccount: settings.pacingAccount,
    onExchange: settings.onExchange,
  });
  const notSupported = (what: string) =>
    new ChannelError({ kind: "invalid", channel, message: `${channel}: the cart endpoint has no ${what}` });

  return {
    channel,
    capabilities: cartEndpointCapabilities,
    // biome-ignore lint/correctness/useYield: the capability is null; the engine never asks
    async *fetchOrders() {
      throw notSupported("order search (its orders arrive by mail)");
    },
    async sendShipment() {
      throw notSupported("shipment notice");
    },
    async pushStock(items: StockItem[], idempotencyKey: string): Promise<StockItemResult[]> {
      return inBatches(items, batchSize, async (batch, index) => {
        const sent = new Map(batch.map((item) => [wireCode(item), item]));
        const answer = await client.setStock(batch.map(toWireStockItem), `${idempotencyKey}:${index + 1}`);
        return answer.map((result) => toStockItemResult(result, sent));
      });
    },
    async checkCredentials() {
      const shop = await client.whoAmI();
      return { account: shop.shop, expiresAt: null };
    },
  } satisfies Connector;
};
