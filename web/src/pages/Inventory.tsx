// 在庫: per SKU and warehouse on hand / reserved / available, the ledger, receive and stocktake; per store
// the last pushed value and "why doesn't this item sync?".
import {
  Badge,
  Button,
  Card,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, type Page, qs } from "../api/client.ts";
import type { Movement, StockLevel } from "../api/types.ts";
import { useI18n } from "../i18n.tsx";
import { ErrorAlert, Pager, useStores } from "../ui.tsx";

export function InventoryPage() {
  const { t } = useI18n();
  return (
    <Stack>
      <Title order={2}>{t("inventory")}</Title>
      <Tabs defaultValue="levels" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="levels">{t("inventory")}</Tabs.Tab>
          <Tabs.Tab value="ledger">{t("ledger")}</Tabs.Tab>
          <Tabs.Tab value="channels">{t("lastPushed")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="levels" pt="md">
          <Levels />
        </Tabs.Panel>
        <Tabs.Panel value="ledger" pt="md">
          <Ledger />
        </Tabs.Panel>
        <Tabs.Panel value="channels" pt="md">
          <ChannelStock />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function Levels() {
  const { t } = useI18n();
  const [productCode, setProductCode] = useState("");
  const [page, setPage] = useState(1);
  const levels = useQuery({
    queryKey: ["stock", productCode, page],
    queryFn: () => api.get<Page<StockLevel>>(`/stock${qs({ productCode, page, limit: 50 })}`),
    refetchInterval: 5_000,
  });
  return (
    <Stack>
      <Movements />
      <TextInput
        label={t("productCode")}
        value={productCode}
        onChange={(e) => setProductCode(e.currentTarget.value)}
        w={240}
      />
      <ErrorAlert error={levels.error} />
      <Table striped data-testid="stock-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("productCode")}</Table.Th>
            <Table.Th>{t("name")}</Table.Th>
            <Table.Th>{t("warehouse")}</Table.Th>
            <Table.Th ta="right">{t("onHand")}</Table.Th>
            <Table.Th ta="right">{t("reserved")}</Table.Th>
            <Table.Th ta="right">{t("safetyStock")}</Table.Th>
            <Table.Th ta="right">{t("available")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {levels.data?.data.map((level) => (
            <Table.Tr key={`${level.productCode}-${level.warehouseCode}`} data-product={level.productCode}>
              <Table.Td>{level.productCode}</Table.Td>
              <Table.Td>{level.productName}</Table.Td>
              <Table.Td>{level.warehouseCode}</Table.Td>
              <Table.Td ta="right" data-testid="on-hand">
                {level.onHand}
              </Table.Td>
              <Table.Td ta="right">{level.reserved}</Table.Td>
              <Table.Td ta="right">{level.safetyStock}</Table.Td>
              <Table.Td ta="right" fw={600}>
                {level.available}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager page={levels.data} onPage={setPage} />
    </Stack>
  );
}

function Movements() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const warehouses = useQuery({
    queryKey: ["warehouses"],
    queryFn: () => api.get<Page<{ code: string; name: string }>>("/warehouses?limit=100"),
  });
  const [kind, setKind] = useState<"receive" | "adjust">("receive");
  const [productCode, setProductCode] = useState("");
  const [warehouseCode, setWarehouseCode] = useState<string | null>(null);
  const [quantity, setQuantity] = useState<number | string>(1);
  const [reason, setReason] = useState("");
  const warehouse = warehouseCode ?? warehouses.data?.data[0]?.code ?? "";
  const save = useMutation({
    mutationFn: () =>
      kind === "receive"
        ? api.post("/stock/receipts", {
            productCode,
            warehouseCode: warehouse,
            quantity: Number(quantity),
            reason: reason || undefined,
          })
        : api.post("/stock/stocktakes", {
            productCode,
            warehouseCode: warehouse,
            countedQuantity: Number(quantity),
            reason: reason || undefined,
          }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["stock"] }),
  });
  return (
    <Card withBorder>
      <Group align="end">
        <Select
          label={t("kind")}
          data={[
            { value: "receive", label: t("receive") },
            { value: "adjust", label: t("adjust") },
          ]}
          value={kind}
          onChange={(value) => setKind(value === "adjust" ? "adjust" : "receive")}
          allowDeselect={false}
        />
        <TextInput
          label={t("productCode")}
          value={productCode}
          onChange={(e) => setProductCode(e.currentTarget.value)}
        />
        <Select
          label={t("warehouse")}
          data={(warehouses.data?.data ?? []).map((w) => w.code)}
          value={warehouse}
          onChange={setWarehouseCode}
        />
        <NumberInput
          label={kind === "receive" ? t("quantity") : t("countedQuantity")}
          min={0}
          value={quantity}
          onChange={setQuantity}
          w={120}
        />
        <TextInput label={t("reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        <Button onClick={() => save.mutate()} disabled={!productCode} loading={save.isPending}>
          {kind === "receive" ? t("receive") : t("adjust")}
        </Button>
      </Group>
      {save.isSuccess && (
        <Text size="sm" c="green">
          {t("saved")}
        </Text>
      )}
      <ErrorAlert error={save.error} />
    </Card>
  );
}

function Ledger() {
  const { t, v, dateTime } = useI18n();
  const [productCode, setProductCode] = useState("");
  const [page, setPage] = useState(1);
  const ledger = useQuery({
    queryKey: ["ledger", productCode, page],
    queryFn: () => api.get<Page<Movement>>(`/stock/ledger${qs({ productCode, page, limit: 50 })}`),
    refetchInterval: 5_000,
  });
  const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
  return (
    <Stack>
      <TextInput
        label={t("productCode")}
        value={productCode}
        onChange={(e) => setProductCode(e.currentTarget.value)}
        w={240}
      />
      <ErrorAlert error={ledger.error} />
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("when")}</Table.Th>
            <Table.Th>{t("productCode")}</Table.Th>
            <Table.Th>{t("warehouse")}</Table.Th>
            <Table.Th>{t("kind")}</Table.Th>
            <Table.Th ta="right">{t("onHand")}</Table.Th>
            <Table.Th ta="right">{t("reserved")}</Table.Th>
            <Table.Th>{t("reason")}</Table.Th>
            <Table.Th>{t("actor")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {ledger.data?.data.map((m) => (
            <Table.Tr key={m.id}>
              <Table.Td>{dateTime(m.createdAt)}</Table.Td>
              <Table.Td>{m.productCode}</Table.Td>
              <Table.Td>{m.warehouseCode}</Table.Td>
              <Table.Td>{v(m.kind)}</Table.Td>
              <Table.Td ta="right">{signed(m.onHandDelta)}</Table.Td>
              <Table.Td ta="right">{signed(m.reservedDelta)}</Table.Td>
              <Table.Td>{m.reason ?? (m.orderId ? `#${m.orderId}` : "")}</Table.Td>
              <Table.Td>{m.actor}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager page={ledger.data} onPage={setPage} />
    </Stack>
  );
}

interface Pushed {
  itemCode: string;
  optionCode: string;
  lastPushedQuantity: number | null;
  lastPushedAt: string | null;
  lastError: string | null;
}

interface Diagnosis {
  syncs: boolean;
  reasons: { code: string; message: string }[];
  quantityNow: number | null;
  lastPushed: { quantity: number; at: string } | null;
  lastError: { message: string; at: string } | null;
}

function ChannelStock() {
  const { t, dateTime } = useI18n();
  const stores = useStores();
  const [storeId, setStoreId] = useState<string | null>(null);
  const store = storeId ?? (stores.data?.data[0] ? String(stores.data.data[0].id) : null);
  const pushed = useQuery({
    queryKey: ["pushed", store],
    enabled: store !== null,
    queryFn: () => api.get<{ data: Pushed[] }>(`/stores/${store}/pushed-stock`),
    refetchInterval: 5_000,
  });
  const [itemCode, setItemCode] = useState("");
  const [optionCode, setOptionCode] = useState("");
  const diagnosis = useMutation({
    mutationFn: () => api.get<Diagnosis>(`/stores/${store}/items/diagnosis${qs({ itemCode, optionCode })}`),
  });
  const d = diagnosis.data;
  return (
    <Stack>
      <Select
        label={t("store")}
        data={(stores.data?.data ?? []).map((s) => ({ value: String(s.id), label: s.name }))}
        value={store}
        onChange={setStoreId}
        w={300}
      />
      <Card withBorder data-testid="diagnosis">
        <Title order={5}>{t("diagnosis")}</Title>
        <Group align="end">
          <TextInput
            label={t("itemCode")}
            value={itemCode}
            onChange={(e) => setItemCode(e.currentTarget.value)}
          />
          <TextInput
            label={t("optionCode")}
            value={optionCode}
            onChange={(e) => setOptionCode(e.currentTarget.value)}
          />
          <Button onClick={() => diagnosis.mutate()} disabled={!itemCode || !store}>
            {t("diagnose")}
          </Button>
        </Group>
        <ErrorAlert error={diagnosis.error} />
        {d && (
          <SimpleGrid cols={2} mt="sm">
            <Stack gap={4}>
              <Badge color={d.syncs ? "green" : "red"}>{d.syncs ? t("syncs") : t("doesNotSync")}</Badge>
              {d.reasons.map((r) => (
                <Text key={r.code} size="sm">
                  {r.message}
                </Text>
              ))}
            </Stack>
            <Stack gap={4}>
              <Text size="sm">
                {t("wouldSend")}: {d.quantityNow ?? "—"}
              </Text>
              <Text size="sm">
                {t("lastPushed")}:{" "}
                {d.lastPushed ? `${d.lastPushed.quantity} (${dateTime(d.lastPushed.at)})` : "—"}
              </Text>
              {d.lastError && (
                <Text size="sm" c="red">
                  {d.lastError.message}
                </Text>
              )}
            </Stack>
          </SimpleGrid>
        )}
      </Card>
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("itemCode")}</Table.Th>
            <Table.Th>{t("optionCode")}</Table.Th>
            <Table.Th ta="right">{t("lastPushed")}</Table.Th>
            <Table.Th>{t("when")}</Table.Th>
            <Table.Th>{t("errors")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {pushed.data?.data.map((p) => (
            <Table.Tr key={`${p.itemCode}/${p.optionCode}`}>
              <Table.Td>{p.itemCode}</Table.Td>
              <Table.Td>{p.optionCode}</Table.Td>
              <Table.Td ta="right">{p.lastPushedQuantity ?? "—"}</Table.Td>
              <Table.Td>{dateTime(p.lastPushedAt)}</Table.Td>
              <Table.Td c="red">{p.lastError}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
