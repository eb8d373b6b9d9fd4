// Channel id → connector factory. The only place the engine learns which channels exist.
import { createTestChannelConnector } from "./test-channel/connector.ts";
import type { ConnectorFactory } from "./types.ts";

export const connectorFactories: Record<string, ConnectorFactory> = {
  test: createTestChannelConnector,
};
