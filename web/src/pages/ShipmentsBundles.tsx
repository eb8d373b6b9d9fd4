// 同梱候補 on the shipments screen: each candidate's orders (recipient, address, delivery method, requested
// date and time slot, their slips), what differs between them, the cut-off to decide by, and 同梱を実行 /
// 同梱しない after a confirmation; plus the organization's shipping settings (締め時間, 至急の目安, 店舗間同梱).
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import {
  addressLine,
  type BundleCandidate,
  type BundleCandidateStatus,
  bundleCandidate,
  dismissCandidate,
  getShipmentSettings,
  listBundleCandidates,
  putShipmentSettings,
  recipientOf,
} from "../api/bundles.ts";
import { useI18n } from "../i18n.tsx";
import { ErrorAlert, StatusBadge, useStoreName } from "../ui.tsx";

const candidateStatuses: BundleCandidateStatus[] = ["open", "bundled", "dismissed", "dissolved"];

/** Urgent / overdue / deadline badges of a candidate. */
export function CandidateBadges({ candidate }: { candidate: BundleCandidate }) {
  const { t, dateTime } = useI18n();
  return (
    <Group gap={4}>
      {candidate.overdue && (
        <Badge color="red" variant="filled" data-testid="overdue">
          {t("overdue")}
        </Badge>
      )}
      {candidate.urgent && !candidate.overdue && (
        <Badge color="red" data-testid="urgent">
          {t("urgent")}
        </Badge>
      )}
      {candidate.deadline && (
        <Badge color="gray" variant="light">
          {t("deadline")}: {dateTime(candidate.deadline)}
        </Badge>
      )}
    </Group>
  );
}

export function BundleCandidates() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<BundleCandidateStatus>("open");
  const [confirming, setConfirming] = useState<{ candidate: BundleCandidate; bundle: boolean } | null>(null);
  const [decided, setDecided] = useState<BundleCandidate | null>(null);
  const candidates = useQuery({
    queryKey: ["bundle-candidates", status],
    queryFn: () => listBundleCandidates({ status }),
    refetchInterval: 10_000,
  });
  const act = useMutation({
    mutationFn: ({ candidate, bundle }: { candidate: BundleCandidate; bundle: boolean }) =>
      bundle ? bundleCandidate(candidate.id) : dismissCandidate(candidate.id),
    onSuccess: (candidate) => {
      setDecided(candidate);
      setConfirming(null);
    },
    onSettled: () => {
      queryClient.invalidateQueries({ queryKey: ["bundle-candidates"] });
      queryClient.invalidateQueries({ queryKey: ["shipments"] });
    },
  });
  const rows = candidates.data?.data ?? [];
  return (
    <Card withBorder data-testid="bundle-candidates">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>
            {t("bundleCandidates")}
            {status === "open" && candidates.data ? ` (${candidates.data.total_count})` : ""}
          </Title>
          <SegmentedControl
            size="xs"
            value={status}
            onChange={(value) => setStatus(value as BundleCandidateStatus)}
            data={candidateStatuses.map((s) => ({ value: s, label: t(`candidate_${s}`) }))}
          />
        </Group>
        {decided && (
          <Alert color="green" withCloseButton onClose={() => setDecided(null)} data-testid="bundle-decided">
            {decided.status === "bundled"
              ? `${t("bundledInto")}: ${decided.shipmentCode}`
              : `${t("dismissedDone")}: ${decided.members.map((m) => m.orderCode).join(", ")}`}
          </Alert>
        )}
        <ErrorAlert error={candidates.error ?? act.error} />
        {candidates.data && rows.length === 0 && <Text c="dimmed">{t("none")}</Text>}
        {rows.map((c) => (
          <CandidateCard
            key={c.id}
            candidate={c}
            onDecide={(bundle) => {
              act.reset();
              setConfirming({ candidate: c, bundle });
            }}
          />
        ))}
      </Stack>
      {confirming && (
        <Modal
          opened
          onClose={() => setConfirming(null)}
          title={confirming.bundle ? t("confirmBundle") : t("confirmDismiss")}
        >
          <Stack>
            <Text size="sm">{confirming.candidate.members.map((m) => m.orderCode).join(" + ")}</Text>
            <Text size="sm" c="dimmed">
              {confirming.bundle ? t("confirmBundleDetail") : t("confirmDismissDetail")}
            </Text>
            <ErrorAlert error={act.error} />
            <Group justify="end">
              <Button variant="default" onClick={() => setConfirming(null)}>
                {t("cancel")}
              </Button>
              <Button
                color={confirming.bundle ? undefined : "gray"}
                loading={act.isPending}
                onClick={() => act.mutate(confirming)}
              >
                {confirming.bundle ? t("bundle") : t("dontBundle")}
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </Card>
  );
}

function CandidateCard({
  candidate: c,
  onDecide,
}: {
  candidate: BundleCandidate;
  onDecide: (bundle: boolean) => void;
}) {
  const { t, dateTime, yen } = useI18n();
  const storeName = useStoreName();
  const { requestedDates, timeSlots } = c.conflicts;
  return (
    <Card withBorder padding="sm" data-testid="bundle-candidate" data-candidate={c.id}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Group gap="xs">
            <Text fw={600}>#{c.id}</Text>
            <CandidateBadges candidate={c} />
            {c.shipmentCode && (
              <Badge color="green" variant="light" data-testid="bundled-shipment">
                {t("bundledInto")}: {c.shipmentCode}
              </Badge>
            )}
            {c.decidedAt && (
              <Text size="xs" c="dimmed">
                {c.decidedBy} · {dateTime(c.decidedAt)}
              </Text>
            )}
          </Group>
          {c.status === "open" && (
            <Group gap="xs">
              <Button size="xs" onClick={() => onDecide(true)}>
                {t("bundle")}
              </Button>
              <Button size="xs" variant="default" onClick={() => onDecide(false)}>
                {t("dontBundle")}
              </Button>
            </Group>
          )}
        </Group>
        {(requestedDates.length > 0 || timeSlots.length > 0) && (
          <Alert color="yellow" p="xs" data-testid="bundle-conflicts">
            {requestedDates.length > 0 && (
              <Text size="sm">
                {t("requestedDatesDiffer")}: {requestedDates.join(" / ")}
              </Text>
            )}
            {timeSlots.length > 0 && (
              <Text size="sm">
                {t("timeSlotsDiffer")}: {timeSlots.join(" / ")}
              </Text>
            )}
          </Alert>
        )}
        <Table fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("orderCode")}</Table.Th>
              <Table.Th>{t("store")}</Table.Th>
              <Table.Th>{t("deliveryAddress")}</Table.Th>
              <Table.Th>{t("deliveryMethod")}</Table.Th>
              <Table.Th>{t("requestedDate")}</Table.Th>
              <Table.Th>{t("shipment")}</Table.Th>
              <Table.Th>{t("total")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {c.members.map((m) => (
              <Table.Tr key={m.orderId}>
                <Table.Td>
                  <Link to={`/orders/${m.orderId}`}>{m.orderCode}</Link>
                  <Text size="xs" c="dimmed">
                    {dateTime(m.orderedAt)}
                  </Text>
                </Table.Td>
                <Table.Td>{storeName(m.storeId)}</Table.Td>
                <Table.Td>
                  <Text size="sm">{recipientOf(m.deliveryAddress)}</Text>
                  <Text size="xs" c="dimmed">
                    {addressLine(m.deliveryAddress)}
                  </Text>
                </Table.Td>
                <Table.Td>{m.deliveryMethodCode ?? m.deliveryMethodReceived ?? "—"}</Table.Td>
                <Table.Td>
                  {m.requestedDate ?? "—"}
                  {m.timeSlot ? ` ${m.timeSlot}` : ""}
                </Table.Td>
                <Table.Td>
                  {m.shipmentCode ?? "—"} {m.shipmentStatus && <StatusBadge value={m.shipmentStatus} />}
                </Table.Td>
                <Table.Td>{yen(m.total)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {c.status !== "open" && <Text size="xs">{t(`candidate_${c.status}`)}</Text>}
      </Stack>
    </Card>
  );
}

/** 締め時間 (HH:MM, Japan time), minutes before it when candidates become urgent, cross-store bundling. */
export function ShipmentSettingsCard() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ["shipment-settings"], queryFn: getShipmentSettings });
  const [cutoffTime, setCutoffTime] = useState("");
  const [urgentMinutes, setUrgentMinutes] = useState<number | string>(60);
  const [crossStore, setCrossStore] = useState(false);
  useEffect(() => {
    if (!settings.data) return;
    setCutoffTime(settings.data.cutoffTime ?? "");
    setUrgentMinutes(settings.data.urgentMinutes);
    setCrossStore(settings.data.crossStoreBundling);
  }, [settings.data]);
  const save = useMutation({
    mutationFn: () =>
      putShipmentSettings({
        cutoffTime: cutoffTime || null,
        urgentMinutes: Number(urgentMinutes),
        crossStoreBundling: crossStore,
        nonBundlablePaymentPairs: settings.data?.nonBundlablePaymentPairs ?? [],
      }),
    onSuccess: (saved) => {
      queryClient.setQueryData(["shipment-settings"], saved);
      queryClient.invalidateQueries({ queryKey: ["bundle-candidates"] });
    },
  });
  return (
    <Card withBorder data-testid="shipment-settings">
      <Title order={4}>{t("shipmentSettings")}</Title>
      <Group align="end" mt="xs">
        <TextInput
          label={t("cutoffTime")}
          type="time"
          value={cutoffTime}
          onChange={(e) => setCutoffTime(e.currentTarget.value)}
        />
        <NumberInput
          label={t("urgentMinutes")}
          min={0}
          max={1440}
          value={urgentMinutes}
          onChange={setUrgentMinutes}
          w={200}
        />
        <Switch
          label={t("crossStoreBundling")}
          checked={crossStore}
          onChange={(e) => setCrossStore(e.currentTarget.checked)}
          mb={8}
        />
        <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!settings.data}>
          {t("save")}
        </Button>
        {save.isSuccess && <Text c="green">{t("saved")}</Text>}
      </Group>
      {settings.data && settings.data.nonBundlablePaymentPairs.length > 0 && (
        <Text size="xs" c="dimmed" mt="xs">
          {t("nonBundlablePayments")}:{" "}
          {settings.data.nonBundlablePaymentPairs.map((pair) => pair.join(" × ")).join(", ")}
        </Text>
      )}
      <ErrorAlert error={settings.error ?? save.error} />
    </Card>
  );
}
