// 出荷伝票: start work on a selection (one batch call; what was refused and why) and download its picking
// list, ship one or upload a CSV of tracking numbers (the server ships it row by row), return to waiting,
// release a hold, each slip's history; bundle candidates (同梱候補) and the shipping settings on top.
import {
  Alert,
  Button,
  Checkbox,
  FileButton,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, merchantPath, type Page, qs, request, upload } from "../api/client.ts";
import type { Shipment } from "../api/types.ts";
import { useI18n } from "../i18n.tsx";
import { JobProgress } from "../JobProgress.tsx";
import { startJob, useJob } from "../jobs.ts";
import { download, ErrorAlert, StatusBadge, useStoreName } from "../ui.tsx";
import { BundleCandidates, ShipmentSettingsCard } from "./ShipmentsBundles.tsx";

const statuses = ["waiting", "allocated", "in_progress", "on_hold", "shipped", "cancelled"];
const todayInJapan = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);

interface StartResult {
  started: { shipmentId: number; code: string }[];
  refused: { shipmentId: number; code: string | null; error: { code: string; message: string } }[];
}

interface ShipCsvResult {
  rows: number;
  shipped: number;
  refused: number;
  results: {
    row: number;
    shipmentCode: string;
    outcome: "shipped" | "refused";
    error?: { code: string; message: string };
  }[];
}

/** The server's picking list (ピッキングリスト) of these slips as a CSV file. */
async function downloadPickingList(shipmentIds: number[]) {
  const path = `/shipments/picking-list${qs({ shipmentIds: shipmentIds.join(","), format: "csv" })}`;
  const text = await request<string>("GET", merchantPath(path));
  download(`picking-${todayInJapan()}.csv`, text.startsWith("\uFEFF") ? text : `\uFEFF${text}`);
}

export function ShipmentsPage() {
  const { t, v, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const storeName = useStoreName();
  const [status, setStatus] = useState<string | null>("allocated");
  const [selected, setSelected] = useState<number[]>([]);
  const [shipping, setShipping] = useState<Shipment | null>(null);
  const [historyOf, setHistoryOf] = useState<Shipment | null>(null);
  const trackingJob = useJob("tracking");
  const shipments = useQuery({
    queryKey: ["shipments", status],
    queryFn: () => api.get<Page<Shipment>>(`/shipments${qs({ status, limit: 100 })}`),
    refetchInterval: 5_000,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["shipments"] });
  const start = useMutation({
    mutationFn: () => api.post<StartResult>("/shipments/start", { shipmentIds: selected }),
    onSettled: () => {
      setSelected([]);
      refresh();
    },
  });
  const picking = useMutation({ mutationFn: (ids: number[]) => downloadPickingList(ids) });
  const act = useMutation({
    mutationFn: ({ id, action }: { id: number; action: "return" | "release-hold" }) =>
      api.post(`/shipments/${id}/${action}`),
    onSettled: refresh,
  });
  const toggle = (id: number, on: boolean) =>
    setSelected((current) => (on ? [...current, id] : current.filter((x) => x !== id)));
  const rows = shipments.data?.data ?? [];
  const started = start.data;
  return (
    <Stack>
      <Title order={2}>{t("shipments")}</Title>
      <BundleCandidates />
      <Group align="end">
        <Select
          label={t("status")}
          placeholder={t("all")}
          clearable
          data={statuses.map((s) => ({ value: s, label: v(s) }))}
          value={status}
          onChange={setStatus}
        />
        <Button onClick={() => start.mutate()} disabled={selected.length === 0} loading={start.isPending}>
          {t("startWork")} ({selected.length})
        </Button>
        <Button
          variant="default"
          onClick={() => picking.mutate(selected)}
          disabled={selected.length === 0}
          loading={picking.isPending}
        >
          {t("pickingList")}
        </Button>
        <FileButton
          accept=".csv,text/csv"
          onChange={(file) => file && uploadTracking(file, t("uploadTracking"), refresh)}
        >
          {(props) => (
            <Button variant="default" {...props}>
              {t("uploadTracking")}
            </Button>
          )}
        </FileButton>
      </Group>
      <Text size="xs" c="dimmed">
        {t("trackingCsvHelp")}
      </Text>
      <JobProgress job={trackingJob} />
      {started && (
        <Alert
          color={started.refused.length > 0 ? "yellow" : "green"}
          withCloseButton
          onClose={() => start.reset()}
          data-testid="start-result"
        >
          <Group>
            <Text size="sm">
              {t("started")}: {started.started.map((s) => s.code).join(", ") || "—"}
            </Text>
            {started.started.length > 0 && (
              <Button
                size="xs"
                variant="default"
                onClick={() => picking.mutate(started.started.map((s) => s.shipmentId))}
              >
                {t("pickingList")}
              </Button>
            )}
          </Group>
          {started.refused.map((r) => (
            <Text key={r.shipmentId} size="sm" c="red">
              {t("startRefused")}: {r.code ?? `#${r.shipmentId}`} — {r.error.message}
            </Text>
          ))}
        </Alert>
      )}
      <ErrorAlert error={shipments.error ?? start.error ?? picking.error ?? act.error} />
      <Table striped data-testid="shipments-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th />
            <Table.Th>{t("shipmentCode")}</Table.Th>
            <Table.Th>{t("store")}</Table.Th>
            <Table.Th>{t("status")}</Table.Th>
            <Table.Th>{t("carrier")}</Table.Th>
            <Table.Th>{t("trackingNumber")}</Table.Th>
            <Table.Th>{t("createdAt")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((s) => (
            <Table.Tr key={s.id}>
              <Table.Td>
                <Checkbox
                  aria-label={s.code}
                  checked={selected.includes(s.id)}
                  onChange={(e) => toggle(s.id, e.currentTarget.checked)}
                />
              </Table.Td>
              <Table.Td>{s.code}</Table.Td>
              <Table.Td>{storeName(s.storeId)}</Table.Td>
              <Table.Td>
                <StatusBadge value={s.status} />
              </Table.Td>
              <Table.Td>{s.carrier}</Table.Td>
              <Table.Td>{s.trackingNumber}</Table.Td>
              <Table.Td>{dateTime(s.createdAt)}</Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  {(s.status === "allocated" || s.status === "in_progress") && (
                    <Button size="xs" onClick={() => setShipping(s)}>
                      {t("ship")}
                    </Button>
                  )}
                  {s.status === "in_progress" && (
                    <Button
                      size="xs"
                      variant="subtle"
                      onClick={() => act.mutate({ id: s.id, action: "return" })}
                    >
                      {t("returnToWaiting")}
                    </Button>
                  )}
                  {s.status === "on_hold" && (
                    <Button
                      size="xs"
                      variant="light"
                      onClick={() => act.mutate({ id: s.id, action: "release-hold" })}
                    >
                      {t("releaseHold")}
                    </Button>
                  )}
                  <Button size="xs" variant="subtle" onClick={() => setHistoryOf(s)}>
                    {t("history")}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <ShipmentSettingsCard />
      {shipping && <ShipModal shipment={shipping} onClose={() => setShipping(null)} onShipped={refresh} />}
      {historyOf && <HistoryModal shipment={historyOf} onClose={() => setHistoryOf(null)} />}
    </Stack>
  );
}

function ShipModal({
  shipment,
  onClose,
  onShipped,
}: {
  shipment: Shipment;
  onClose: () => void;
  onShipped: () => void;
}) {
  const { t } = useI18n();
  const [carrier, setCarrier] = useState("ヤマト運輸");
  const [trackingNumber, setTrackingNumber] = useState("");
  const [shippedOn, setShippedOn] = useState(todayInJapan());
  const ship = useMutation({
    mutationFn: () => api.post(`/shipments/${shipment.id}/ship`, { carrier, trackingNumber, shippedOn }),
    onSuccess: () => {
      onShipped();
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={`${t("ship")} ${shipment.code}`}>
      <Stack>
        <TextInput label={t("carrier")} value={carrier} onChange={(e) => setCarrier(e.currentTarget.value)} />
        <TextInput
          label={t("trackingNumber")}
          value={trackingNumber}
          onChange={(e) => setTrackingNumber(e.currentTarget.value)}
        />
        <TextInput
          label={t("shippedOn")}
          type="date"
          value={shippedOn}
          onChange={(e) => setShippedOn(e.currentTarget.value)}
        />
        <ErrorAlert error={ship.error} />
        <Button onClick={() => ship.mutate()} disabled={!trackingNumber.trim()} loading={ship.isPending}>
          {t("ship")}
        </Button>
      </Stack>
    </Modal>
  );
}

/** Uploads a tracking CSV to the server, which ships it row by row and answers what it refused and why. */
function uploadTracking(file: File, label: string, refresh: () => void) {
  startJob("tracking", `${label}: ${file.name}`, async (update) => {
    const result = await upload<ShipCsvResult>("/shipments/ship.csv", file, "text/csv", (ratio) =>
      update({ progress: ratio * 0.9 }),
    );
    refresh();
    return {
      message: `${result.shipped} / ${result.rows}`,
      rejected: result.results
        .filter((r) => r.outcome === "refused")
        .map((r) => ({
          row: r.row,
          column: "shipment_code",
          message: `${r.shipmentCode}: ${r.error?.message ?? r.error?.code ?? ""}`,
        })),
    };
  });
}

interface HistoryEntry {
  id: number;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  actor: string;
  createdAt: string;
}

function HistoryModal({ shipment, onClose }: { shipment: Shipment; onClose: () => void }) {
  const { t, dateTime } = useI18n();
  const history = useQuery({
    queryKey: ["shipments", shipment.id, "history"],
    queryFn: () => api.get<{ data: HistoryEntry[] }>(`/shipments/${shipment.id}/history`),
  });
  return (
    <Modal opened onClose={onClose} title={`${t("history")} ${shipment.code}`} size="lg">
      <ErrorAlert error={history.error} />
      <Table data-testid="shipment-history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("when")}</Table.Th>
            <Table.Th>{t("kind")}</Table.Th>
            <Table.Th>{t("fromStatus")}</Table.Th>
            <Table.Th>{t("toStatus")}</Table.Th>
            <Table.Th>{t("actor")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {history.data?.data.map((h) => (
            <Table.Tr key={h.id}>
              <Table.Td>{dateTime(h.createdAt)}</Table.Td>
              <Table.Td>{h.action}</Table.Td>
              <Table.Td>{h.fromStatus ? <StatusBadge value={h.fromStatus} /> : "—"}</Table.Td>
              <Table.Td>{h.toStatus ? <StatusBadge value={h.toStatus} /> : "—"}</Table.Td>
              <Table.Td>{h.actor}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
