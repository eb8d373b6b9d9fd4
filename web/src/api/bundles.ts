// Bundle candidates (同梱候補) and the organization's shipping settings, as src/api/routes/bundles.ts
// serves them. The only place in the admin that knows these routes.
import { api, type Page, qs } from "./client.ts";

export type BundleCandidateStatus = "open" | "bundled" | "dismissed" | "dissolved";

export interface BundleMember {
  orderId: number;
  orderCode: string;
  storeId: number;
  status: string;
  orderedAt: string;
  /** As received: name, postalCode, prefecture, city, address1, address2… */
  deliveryAddress: Record<string, unknown>;
  deliveryMethodCode: string | null;
  deliveryMethodReceived: string | null;
  paymentMethodCode: string | null;
  requestedDate: string | null;
  timeSlot: string | null;
  total: number;
  shipmentId: number | null;
  shipmentCode: string | null;
  shipmentStatus: string | null;
}

export interface BundleCandidate {
  id: number;
  status: BundleCandidateStatus;
  members: BundleMember[];
  /** Requested dates / time slots that differ between the members (empty: none). */
  conflicts: { requestedDates: string[]; timeSlots: string[] };
  /** The shipping cut-off to decide by. */
  deadline: string | null;
  urgent: boolean;
  overdue: boolean;
  /** The bundled slip, once bundled. */
  shipmentId: number | null;
  shipmentCode: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
}

export interface ShipmentSettings {
  /** 出荷依頼の締め時間, HH:MM Japan time. */
  cutoffTime: string | null;
  urgentMinutes: number;
  crossStoreBundling: boolean;
  nonBundlablePaymentPairs: [string, string][];
}

export const listBundleCandidates = (
  filter: { status?: BundleCandidateStatus; urgent?: boolean; limit?: number } = {},
) =>
  api.get<Page<BundleCandidate>>(
    `/bundle-candidates${qs({ status: filter.status, urgent: filter.urgent, limit: filter.limit ?? 100 })}`,
  );

/** 同梱を実行: the members' slips become one slip; answers the candidate with its new shipment code. */
export const bundleCandidate = (id: number) => api.post<BundleCandidate>(`/bundle-candidates/${id}/bundle`);
/** 同梱しない: the locks are released; these orders are not proposed together again. */
export const dismissCandidate = (id: number) => api.post<BundleCandidate>(`/bundle-candidates/${id}/dismiss`);

export const getShipmentSettings = () => api.get<ShipmentSettings>("/shipment-settings");
export const putShipmentSettings = (settings: ShipmentSettings) =>
  api.put<ShipmentSettings>("/shipment-settings", settings);

/** One line of a delivery address as received: 〒 postal code, prefecture, city, lines. */
export function addressLine(address: Record<string, unknown>): string {
  const text = (key: string) => (typeof address[key] === "string" ? (address[key] as string) : "");
  const postal = text("postalCode") ? `〒${text("postalCode")} ` : "";
  return `${postal}${["prefecture", "city", "address1", "address2"].map(text).join("")}`;
}

export const recipientOf = (address: Record<string, unknown>) =>
  [address.name, address.company].filter((part) => typeof part === "string" && part).join(" / ");
