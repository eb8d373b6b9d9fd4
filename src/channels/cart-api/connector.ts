// Carts on Kura's own API (Craft Cart style): the cart pushes orders to `/api/v1/…/sales_orders/new` and
// pulls stock and tracking numbers itself, authorized through Kura's OAuth2 provider (src/api/oauth/).
// So Kura calls nothing here: the connector only declares that orders are pushed and nothing is sent.
import { ChannelError } from "../errors.ts";
import type { Connector, ConnectorCapabilities, ConnectorFactory } from "../types.ts";

/** The channel id of a store a cart connects to through Kura's OAuth2 API. */
export const cartChannel = "cart-api";

export const cartApiCapabilities = {
  fetchOrders: null,
  pushedOrders: true,
  // The cart pulls tracking numbers (GET /outbound_deliveries) and stock (GET /logical_inventory_summaries).
  shipmentNotice: null,
  stockPush: null,
  productImport: false,
  requestsPerSecond: 1,
  credentials: { kind: "none", refresh: "none" },
} satisfies ConnectorCapabilities;

const nothingToCall = (what: string) =>
  new ChannelError({
    kind: "invalid",
    channel: cartChannel,
    message: `${cartChannel}: ${what} is not called: the cart pulls it from Kura's API`,
  });

export const createCartApiConnector: ConnectorFactory = () => {
  const connector: Connector = {
    channel: cartChannel,
    capabilities: cartApiCapabilities,
    // biome-ignore lint/correctness/useYield: a pushed-orders channel has nothing to fetch
    async *fetchOrders() {
      throw nothingToCall("order import");
    },
    async sendShipment() {
      throw nothingToCall("shipment notice");
    },
    async pushStock() {
      throw nothingToCall("stock push");
    },
    async checkCredentials() {
      return {
        account: "the cart connects through Kura's OAuth2 API (see the store's apps)",
        expiresAt: null,
      };
    },
  };
  return connector;
};
