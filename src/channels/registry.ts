// Channel id → connector factory. The only place the engine learns which channels exist.

import { createAuPayConnector } from "./aupay/connector.ts";
import { cartChannel, createCartApiConnector } from "./cart-api/connector.ts";
import { createCartEndpointConnector } from "./cart-endpoint/connector.ts";
import { createEcforceConnector } from "./ecforce/connector.ts";
import { createFutureshopConnector } from "./futureshop/connector.ts";
import { createMakeShopConnector } from "./makeshop/connector.ts";
import { createQoo10Connector } from "./qoo10/connector.ts";
import { createRakutenConnector } from "./rakuten/connector.ts";
import { productsFromItemCsv } from "./rakuten/map.ts";
import { createShoplistConnector } from "./shoplist/connector.ts";
import { createShopserveConnector } from "./shopserve/connector.ts";
import { createTestChannelConnector } from "./test-channel/connector.ts";
import type { ChannelProduct, ConnectorFactory } from "./types.ts";
import { createYahooConnector } from "./yahoo/connector.ts";

export const connectorFactories: Record<string, ConnectorFactory> = {
  test: createTestChannelConnector,
  rakuten: createRakutenConnector,
  yahoo: createYahooConnector,
  ecforce: createEcforceConnector,
  [cartChannel]: createCartApiConnector,
  "cart-endpoint": createCartEndpointConnector,
  aupay: createAuPayConnector,
  qoo10: createQoo10Connector,
  makeshop: createMakeShopConnector,
  shopserve: createShopserveConnector,
  futureshop: createFutureshopConnector,
  shoplist: createShoplistConnector,
};

/**
 * Channel id → the secrets the merchant must reissue by a date (Rakuten's license key lives 3 months, au PAY's
 * and Qoo10's API keys are reissued periodically): a credentials call's expiry date applies to these only.
 * A channel not listed here applies the date to every value of the call.
 */
export const expiringSecrets: Record<string, readonly string[]> = {
  rakuten: ["licenseKey"],
  aupay: ["apiKey"],
  qoo10: ["apiKey"],
};

/** Channel id → reader of the product file merchants download from the channel (RMS's item CSV). */
export const productFileReaders: Record<string, (file: Buffer) => ChannelProduct[]> = {
  rakuten: productsFromItemCsv,
};
