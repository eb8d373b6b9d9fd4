// 受注伝票: search and filter orders by store, status, date, code and held.
import { Button, Checkbox, Group, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { api, type Page, qs } from "../api/client.ts";
import type { OrderSummary } from "../api/types.ts";
import { useI18n } from "../i18n.tsx";
import { ErrorAlert, Pager, StatusBadge, useStoreName, useStores } from "../ui.tsx";

const statuses = [
  "held",
  "awaiting_payment",
  "awaiting_allocation",
  "not_yet_shippable",
  "awaiting_shipment",
  "shipped",
  "cancelled",
];

export function OrdersPage() {
  const { t, v, dateTime, yen } = useI18n();
  const [params, setParams] = useSearchParams();
  const stores = useStores();
  const storeName = useStoreName();
  const [code, setCode] = useState(params.get("code") ?? "");
  const queryClient = useQueryClient();
  const recheckAll = useMutation({
    mutationFn: () => api.post<{ checked: number; released: number }>("/orders/remap-held"),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["orders"] }),
  });
  const filter = Object.fromEntries(params.entries());
  const orders = useQuery({
    queryKey: ["orders", filter],
    queryFn: () => api.get<Page<OrderSummary>>(`/orders${qs({ limit: 50, ...filter })}`),
    refetchInterval: 5_000,
  });
  const set = (key: string, value: string | null | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== "page") next.delete("page");
    setParams(next);
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t("orders")}</Title>
        <Group>
          {recheckAll.data && (
            <Text size="sm">
              {recheckAll.data.checked} / {recheckAll.data.released} {t("recheckResult")}
            </Text>
          )}
          <Button
            variant="default"
            size="xs"
            onClick={() => recheckAll.mutate()}
            loading={recheckAll.isPending}
          >
            {t("recheckAll")}
          </Button>
        </Group>
      </Group>
      <ErrorAlert error={recheckAll.error} />
      <Group align="end">
        <Select
          label={t("store")}
          placeholder={t("all")}
          clearable
          data={(stores.data?.data ?? []).map((s) => ({ value: String(s.id), label: s.name }))}
          value={params.get("storeId")}
          onChange={(value) => set("storeId", value)}
        />
        <Select
          label={t("status")}
          placeholder={t("all")}
          clearable
          data={statuses.map((s) => ({ value: s, label: v(s) }))}
          value={params.get("status")}
          onChange={(value) => set("status", value)}
        />
        <TextInput
          label={t("orderedFrom")}
          type="date"
          value={params.get("orderedFrom") ?? ""}
          onChange={(e) => set("orderedFrom", e.currentTarget.value)}
        />
        <TextInput
          label={t("orderedTo")}
          type="date"
          value={params.get("orderedTo") ?? ""}
          onChange={(e) => set("orderedTo", e.currentTarget.value)}
        />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            set("codePrefix", code.trim());
          }}
        >
          <Group align="end" gap="xs">
            <TextInput label={t("orderCode")} value={code} onChange={(e) => setCode(e.currentTarget.value)} />
            <Button type="submit" variant="default">
              {t("search")}
            </Button>
          </Group>
        </form>
        <Checkbox
          label={t("heldOnly")}
          checked={params.get("held") === "true"}
          onChange={(e) => set("held", e.currentTarget.checked ? "true" : null)}
        />
      </Group>
      <ErrorAlert error={orders.error} />
      <Table striped highlightOnHover data-testid="orders-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("orderCode")}</Table.Th>
            <Table.Th>{t("store")}</Table.Th>
            <Table.Th>{t("status")}</Table.Th>
            <Table.Th>{t("orderedAt")}</Table.Th>
            <Table.Th>{t("buyer")}</Table.Th>
            <Table.Th ta="right">{t("total")}</Table.Th>
            <Table.Th>{t("holdReasons")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {orders.data?.data.map((order) => (
            <Table.Tr key={order.id}>
              <Table.Td>
                <Link to={`/orders/${order.id}`}>{order.orderCode}</Link>
              </Table.Td>
              <Table.Td>{storeName(order.storeId)}</Table.Td>
              <Table.Td>
                <StatusBadge value={order.status} />
              </Table.Td>
              <Table.Td>{dateTime(order.orderedAt)}</Table.Td>
              <Table.Td>{order.buyerName}</Table.Td>
              <Table.Td ta="right">{yen(order.total)}</Table.Td>
              <Table.Td>
                <Text size="xs" c="orange">
                  {order.holdReasons.map((r) => r.message).join(" / ")}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager page={orders.data} onPage={(page) => set("page", String(page))} />
    </Stack>
  );
}
