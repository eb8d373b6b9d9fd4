// One order: lines and how they mapped, hold reasons with their fix right there, history, cancellation.
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { api, type Page } from "../api/client.ts";
import type { HoldReason, Master, OrderDetail } from "../api/types.ts";
import { useI18n } from "../i18n.tsx";
import { ErrorAlert, StatusBadge, useStoreName } from "../ui.tsx";

export function OrderDetailPage() {
  const { orderId } = useParams();
  const { t, v, dateTime, yen } = useI18n();
  const storeName = useStoreName();
  const order = useQuery({
    queryKey: ["order", orderId],
    queryFn: () => api.get<OrderDetail>(`/orders/${orderId}`),
  });
  const [cancelling, setCancelling] = useState(false);
  if (order.error) return <ErrorAlert error={order.error} />;
  const o = order.data;
  if (!o) return <Text>{t("loading")}</Text>;
  const address = o.deliveryAddress as Record<string, string>;
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Title order={2}>
            {t("orders")} {o.orderCode}
          </Title>
          <StatusBadge value={o.status} />
        </Group>
        {o.status !== "cancelled" && o.status !== "shipped" && (
          <Button color="red" variant="outline" onClick={() => setCancelling(true)}>
            {t("cancelOrder")}
          </Button>
        )}
      </Group>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Card withBorder>
          <Text size="sm">
            {t("store")}: {storeName(o.storeId)}
          </Text>
          <Text size="sm">
            {t("orderedAt")}: {dateTime(o.orderedAt)}
          </Text>
          <Text size="sm">
            {t("total")}: {yen(o.total)}
          </Text>
          <Text size="sm">
            {t("buyer")}: {String(o.buyer.name ?? "")}
          </Text>
          {o.shipment && (
            <Text size="sm">
              {t("shipment")}: {o.shipment.code} ({v(o.shipment.status)})
            </Text>
          )}
          {o.cancelReason && (
            <Text size="sm" c="red">
              {t("cancelReason")}: {o.cancelReason} ({o.cancelledBy})
            </Text>
          )}
        </Card>
        <Card withBorder>
          <Text size="sm" fw={600}>
            {t("deliveryAddress")}
          </Text>
          <Text size="sm">
            {address.name} 〒{address.postalCode} {address.prefecture}
            {address.city}
            {address.address1} {address.address2}
          </Text>
        </Card>
        <Card withBorder>
          <MappingRow
            label={t("paymentMethod")}
            received={o.paymentMethodReceived}
            mapped={o.paymentMethodCode}
          />
          <MappingRow
            label={t("deliveryMethod")}
            received={o.deliveryMethodReceived}
            mapped={o.deliveryMethodCode}
          />
          <MappingRow label={t("timeSlot")} received={o.timeSlotReceived} mapped={o.timeSlot} />
        </Card>
      </SimpleGrid>
      {o.holdReasons.length > 0 && <HoldReasons order={o} />}
      <Title order={4}>{t("lines")}</Title>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>{t("itemCode")}</Table.Th>
            <Table.Th>{t("name")}</Table.Th>
            <Table.Th>{t("quantity")}</Table.Th>
            <Table.Th>{t("unitPrice")}</Table.Th>
            <Table.Th>{t("skus")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {o.lines.map((line) => (
            <Table.Tr key={line.id}>
              <Table.Td>{line.lineNo}</Table.Td>
              <Table.Td>
                {line.itemCode}
                {line.optionCode && ` / ${line.optionCode}`}
              </Table.Td>
              <Table.Td>{line.name}</Table.Td>
              <Table.Td>{line.quantity}</Table.Td>
              <Table.Td>{yen(line.unitPrice)}</Table.Td>
              <Table.Td>
                {o.items
                  .filter((item) => item.lineNo === line.lineNo)
                  .map(
                    (item) =>
                      `${item.productCode} × ${item.quantity} (${item.allocated ? t("allocated") : t("notAllocated")})`,
                  )
                  .join(", ") || "—"}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={4}>{t("history")}</Title>
      <Table data-testid="order-history">
        <Table.Tbody>
          {o.history.map((entry) => (
            <Table.Tr key={entry.id}>
              <Table.Td>{dateTime(entry.createdAt)}</Table.Td>
              <Table.Td>{v(entry.action)}</Table.Td>
              <Table.Td>{entry.actor}</Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace">
                  {JSON.stringify(entry.detail)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Link to="/orders">← {t("orders")}</Link>
      <CancelModal order={o} opened={cancelling} onClose={() => setCancelling(false)} />
    </Stack>
  );
}

function MappingRow({
  label,
  received,
  mapped,
}: {
  label: string;
  received: string | null;
  mapped: string | null;
}) {
  return (
    <Text size="sm">
      {label}: {received ?? "—"} → <b>{mapped ?? "?"}</b>
    </Text>
  );
}

function HoldReasons({ order }: { order: OrderDetail }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const recheck = useMutation({
    mutationFn: () => api.post(`/orders/${order.id}/remap`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["order", String(order.id)] }),
  });
  const recheckAll = useMutation({
    mutationFn: () => api.post<{ checked: number; released: number }>("/orders/remap-held"),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["order", String(order.id)] }),
  });
  return (
    <Alert color="orange" title={t("holdReasons")} data-testid="hold-reasons">
      <Stack gap="sm">
        {order.holdReasons.map((reason) => (
          <Stack key={`${reason.code}-${reason.field}`} gap={4}>
            <Text size="sm">{reason.message}</Text>
            <HoldFix order={order} reason={reason} onFixed={() => recheck.mutate()} />
          </Stack>
        ))}
        <Group>
          <Button size="xs" variant="default" onClick={() => recheck.mutate()} loading={recheck.isPending}>
            {t("recheck")}
          </Button>
          <Button
            size="xs"
            variant="default"
            onClick={() => recheckAll.mutate()}
            loading={recheckAll.isPending}
          >
            {t("recheckAll")}
          </Button>
        </Group>
        <ErrorAlert error={recheck.error ?? recheckAll.error} />
      </Stack>
    </Alert>
  );
}

/** The fix of one hold reason: add the missing correspondence or mapping, then re-check the order. */
function HoldFix({
  order,
  reason,
  onFixed,
}: {
  order: OrderDetail;
  reason: HoldReason;
  onFixed: () => void;
}) {
  const { t } = useI18n();
  const [productCode, setProductCode] = useState("");
  const [quantity, setQuantity] = useState<number | string>(1);
  const [target, setTarget] = useState<string | null>(null);
  const kind =
    reason.code === "unmapped_payment_method"
      ? "payment_method"
      : reason.code === "unmapped_delivery_method"
        ? "delivery_method"
        : reason.code === "invalid_time_slot"
          ? "time_slot"
          : null;
  const masters = useQuery({
    queryKey: ["masters", kind],
    enabled: kind === "payment_method" || kind === "delivery_method",
    queryFn: () =>
      api.get<Page<Master>>(
        kind === "payment_method" ? "/payment-methods?limit=100" : "/delivery-methods?limit=100",
      ),
  });
  const products = useQuery({
    queryKey: ["products-all"],
    enabled: reason.code === "unknown_product_code",
    queryFn: () => api.get<Page<Master>>("/products?limit=100"),
  });
  const save = useMutation({
    mutationFn: async () => {
      if (reason.code === "unknown_product_code") {
        const line =
          order.lines.find((l) => reason.field.includes(`[${l.lineNo - 1}]`)) ??
          order.lines.find((l) => reason.value?.startsWith(l.itemCode ?? "\u0000"));
        await api.put(`/stores/${order.storeId}/correspondences`, {
          itemCode: line?.itemCode ?? reason.value,
          optionCode: line?.optionCode ?? "",
          components: [{ productCode, quantity: Number(quantity) }],
        });
      } else if (kind) {
        await api.put(`/stores/${order.storeId}/mappings`, { kind, channelValue: reason.value, target });
      }
    },
    onSuccess: onFixed,
  });
  if (reason.code === "unknown_product_code") {
    return (
      <Group align="end" data-testid="fix-correspondence">
        <Select
          label={`${reason.value} → ${t("productCode")}`}
          searchable
          data={(products.data?.data ?? []).map((p) => ({ value: p.code, label: `${p.code} ${p.name}` }))}
          value={productCode}
          onChange={(value) => setProductCode(value ?? "")}
        />
        <NumberInput label={t("quantity")} min={1} w={90} value={quantity} onChange={setQuantity} />
        <Button onClick={() => save.mutate()} disabled={!productCode} loading={save.isPending}>
          {t("fixAndRecheck")}
        </Button>
        <ErrorAlert error={save.error} />
      </Group>
    );
  }
  if (!kind) return null;
  const options =
    kind === "time_slot"
      ? (reason.validValues ?? []).map((slot) => ({ value: slot, label: slot }))
      : (masters.data?.data ?? []).map((m) => ({ value: m.code, label: `${m.name} (${m.code})` }));
  return (
    <Group align="end" data-testid={`fix-${kind}`}>
      <Select label={`${reason.value} → ${t("target")}`} data={options} value={target} onChange={setTarget} />
      <Button onClick={() => save.mutate()} disabled={!target} loading={save.isPending}>
        {t("fixAndRecheck")}
      </Button>
      <ErrorAlert error={save.error} />
    </Group>
  );
}

function CancelModal({
  order,
  opened,
  onClose,
}: {
  order: OrderDetail;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState("");
  const [allowSameCode, setAllowSameCode] = useState(false);
  const cancel = useMutation({
    mutationFn: () => api.post(`/orders/${order.id}/cancel`, { reason, allowSameCode }),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ["order", String(order.id)] });
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t("cancelOrder")}>
      <Stack>
        <TextInput
          label={t("cancelReason")}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          required
        />
        <Checkbox
          label={t("allowSameCode")}
          checked={allowSameCode}
          onChange={(e) => setAllowSameCode(e.currentTarget.checked)}
        />
        <ErrorAlert error={cancel.error} />
        <Button
          color="red"
          onClick={() => cancel.mutate()}
          disabled={!reason.trim()}
          loading={cancel.isPending}
        >
          {t("cancelOrder")}
        </Button>
      </Stack>
    </Modal>
  );
}
