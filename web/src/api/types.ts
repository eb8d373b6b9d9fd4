// The shapes the admin reads from the API (see /docs for the full schemas).
export interface SignedIn {
  user: { id: number; email: string; name: string; role: "admin" | "operator" };
  organization: { id: number; name: string };
}

export interface HoldReason {
  code: string;
  field: string;
  message: string;
  value?: string;
  validValues?: string[];
}

export interface OrderSummary {
  id: number;
  storeId: number;
  orderCode: string;
  originalOrderCode: string | null;
  channelStatus: string | null;
  status: string;
  holdReasons: HoldReason[];
  allocated: boolean;
  orderedAt: string;
  buyerName: string | null;
  total: number;
  shipmentId: number | null;
  shippedAt: string | null;
  cancelledAt: string | null;
}

export interface OrderDetail extends Omit<OrderSummary, "buyerName"> {
  held: boolean;
  buyer: Record<string, unknown>;
  deliveryAddress: Record<string, unknown>;
  deliveryMethodReceived: string | null;
  deliveryMethodCode: string | null;
  timeSlotReceived: string | null;
  timeSlot: string | null;
  paymentMethodReceived: string | null;
  paymentMethodCode: string | null;
  requestedDate: string | null;
  cancelReason: string | null;
  cancelledBy: string | null;
  lines: {
    id: number;
    lineNo: number;
    itemCode: string | null;
    optionCode: string;
    name: string;
    quantity: number;
    unitPrice: number;
    correspondenceId: number | null;
  }[];
  items: {
    lineNo: number;
    productCode: string;
    warehouseCode: string;
    quantity: number;
    allocated: boolean;
  }[];
  shipment: { id: number; code: string; status: string } | null;
  history: {
    id: number;
    action: string;
    actor: string;
    detail: Record<string, unknown>;
    createdAt: string;
  }[];
}

export interface Store {
  id: number;
  channel: string;
  name: string;
  status: "open" | "closed";
  warehouseId: number;
  warehouseCode: string;
  targetStatuses: string[];
  settings: Record<string, unknown>;
  itemCap: number | null;
}

export interface Run {
  id: number;
  storeId: number;
  function: string;
  trigger: string;
  attempt: number;
  outcome: "running" | "succeeded" | "failed" | "abandoned";
  counts: Record<string, number>;
  errors: Record<string, unknown>[];
  startedAt: string;
  finishedAt: string | null;
}

export interface StoreFunction {
  function: string;
  paused: boolean;
  intervalSeconds: number | null;
  timesOfDay: string[];
  nextRunAt: string | null;
  failing: boolean;
  failingReason: string | null;
  failingSince: string | null;
  lastRun: Run | null;
}

export interface Shipment {
  id: number;
  code: string;
  status: string;
  storeId: number;
  warehouseCode: string;
  carrier: string | null;
  trackingNumber: string | null;
  shippedOn: string | null;
  createdAt: string;
}

export interface ShipmentDetail extends Shipment {
  lines: { orderId: number; orderCode: string; productCode: string; productName: string; quantity: number }[];
}

export interface StockLevel {
  productCode: string;
  productName: string;
  warehouseCode: string;
  onHand: number;
  reserved: number;
  available: number;
  safetyStock: number;
}

export interface Movement {
  id: number;
  productCode: string;
  warehouseCode: string;
  kind: string;
  onHandDelta: number;
  reservedDelta: number;
  orderId: number | null;
  reason: string | null;
  actor: string;
  createdAt: string;
}

export interface Product {
  id: number;
  code: string;
  name: string;
  janCode: string | null;
  safetyStock: number;
}

export interface Correspondence {
  id: number;
  itemCode: string;
  optionCode: string;
  unlimitedStock: boolean;
  components: { productCode: string; quantity: number }[];
}

export interface Master {
  id: number;
  code: string;
  name: string;
}

export interface DeliveryService {
  id: number;
  code: string;
  carrier: string;
  serviceName: string;
  timeSlots: string[];
}

export interface Mapping {
  id: number;
  kind: "payment_method" | "delivery_method" | "time_slot";
  channelValue: string;
  target: string;
}

export interface Dashboard {
  stores: {
    id: number;
    name: string;
    channel: string;
    status: string;
    functions: StoreFunction[];
    credentialsExpiring: { name: string; expiresAt: string }[];
  }[];
  orders: { status: string; count: number }[];
  shipments: { status: string; count: number }[];
  heldOrders: {
    id: number;
    storeId: number;
    orderCode: string;
    orderedAt: string;
    holdReasons: HoldReason[];
  }[];
  ordersPerDay: { day: string; storeId: number; count: number }[];
}
