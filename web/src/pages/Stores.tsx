// 店舗: connection settings (credentials masked), mappings with the valid strings offered, schedules per
// function with "run now" and pause, run history with errors, the item cap and open/closed.
import {
  Badge,
  Button,
  Card,
  Group,
  JsonInput,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { api, type Page, qs } from "../api/client.ts";
import type { DeliveryService, Mapping, Master, Run, Store, StoreFunction } from "../api/types.ts";
import { useI18n } from "../i18n.tsx";
import { countsText, ErrorAlert, Pager, StatusBadge, useStores } from "../ui.tsx";

export function StoresPage() {
  const { t } = useI18n();
  const stores = useStores();
  return (
    <Stack>
      <Title order={2}>{t("stores")}</Title>
      <ErrorAlert error={stores.error} />
      <Table striped data-testid="stores-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("name")}</Table.Th>
            <Table.Th>{t("channel")}</Table.Th>
            <Table.Th>{t("status")}</Table.Th>
            <Table.Th>{t("warehouse")}</Table.Th>
            <Table.Th>{t("itemCap")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {stores.data?.data.map((s) => (
            <Table.Tr key={s.id}>
              <Table.Td>
                <Link to={`/stores/${s.id}`}>{s.name}</Link>
              </Table.Td>
              <Table.Td>{s.channel}</Table.Td>
              <Table.Td>
                <StatusBadge value={s.status} />
              </Table.Td>
              <Table.Td>{s.warehouseCode}</Table.Td>
              <Table.Td>{s.itemCap ?? t("noCap")}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <RunHistory />
    </Stack>
  );
}

export function StoreDetailPage() {
  const { storeId } = useParams();
  const { t } = useI18n();
  const store = useQuery({
    queryKey: ["store", storeId],
    queryFn: () => api.get<Store>(`/stores/${storeId}`),
  });
  if (store.error) return <ErrorAlert error={store.error} />;
  if (!store.data) return <Text>{t("loading")}</Text>;
  return (
    <Stack>
      <Group>
        <Title order={2}>{store.data.name}</Title>
        <Badge variant="outline">{store.data.channel}</Badge>
        <StatusBadge value={store.data.status} />
      </Group>
      <Functions storeId={store.data.id} />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <StoreSettings store={store.data} />
        <Credentials storeId={store.data.id} />
      </SimpleGrid>
      <Mappings storeId={store.data.id} />
      <RunHistory storeId={store.data.id} />
      <Link to="/stores">← {t("stores")}</Link>
    </Stack>
  );
}

function StoreSettings({ store }: { store: Store }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [name, setName] = useState(store.name);
  const [open, setOpen] = useState(store.status === "open");
  const [itemCap, setItemCap] = useState<number | string>(store.itemCap ?? "");
  const [settings, setSettings] = useState(JSON.stringify(store.settings, null, 2));
  const save = useMutation({
    mutationFn: () =>
      api.patch(`/stores/${store.id}`, {
        name,
        status: open ? "open" : "closed",
        itemCap: itemCap === "" ? null : Number(itemCap),
        settings: JSON.parse(settings),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["store", String(store.id)] }),
  });
  return (
    <Card withBorder>
      <Title order={4}>{t("settings")}</Title>
      <Stack gap="xs">
        <TextInput label={t("name")} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Switch
          label={open ? t("open") : t("closed")}
          checked={open}
          onChange={(e) => setOpen(e.currentTarget.checked)}
        />
        <NumberInput
          label={t("itemCap")}
          placeholder={t("noCap")}
          min={0}
          value={itemCap}
          onChange={setItemCap}
        />
        <JsonInput
          label="settings"
          value={settings}
          onChange={setSettings}
          autosize
          minRows={3}
          validationError="JSON"
        />
        <ErrorAlert error={save.error} />
        <Button onClick={() => save.mutate()} loading={save.isPending}>
          {t("save")}
        </Button>
      </Stack>
    </Card>
  );
}

interface Credential {
  name: string;
  masked: string;
  expiresAt: string | null;
  expiresSoon: boolean;
  expired: boolean;
}

function Credentials({ storeId }: { storeId: number }) {
  const { t, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const credentials = useQuery({
    queryKey: ["credentials", storeId],
    queryFn: () => api.get<{ data: Credential[] }>(`/stores/${storeId}/credentials`),
  });
  const [name, setName] = useState("apiKey");
  const [value, setValue] = useState("");
  const [expiresAt, setExpiresAt] = useState("");
  const save = useMutation({
    mutationFn: () =>
      api.put(`/stores/${storeId}/credentials`, {
        values: { [name]: value },
        expiresAt: expiresAt || undefined,
      }),
    onSuccess: () => {
      setValue("");
      queryClient.invalidateQueries({ queryKey: ["credentials", storeId] });
    },
  });
  return (
    <Card withBorder>
      <Title order={4}>{t("credentials")}</Title>
      <ErrorAlert error={credentials.error} />
      <Table>
        <Table.Tbody>
          {credentials.data?.data.map((c) => (
            <Table.Tr key={c.name}>
              <Table.Td>{c.name}</Table.Td>
              <Table.Td ff="monospace">{c.masked}</Table.Td>
              <Table.Td>
                {t("expires")}: {dateTime(c.expiresAt)}{" "}
                {(c.expiresSoon || c.expired) && <Badge color="red">{t("expiresSoon")}</Badge>}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group align="end" mt="sm">
        <TextInput label={t("name")} value={name} onChange={(e) => setName(e.currentTarget.value)} w={120} />
        <TextInput
          label={t("value")}
          type="password"
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
        />
        <TextInput
          label={t("expires")}
          type="date"
          value={expiresAt}
          onChange={(e) => setExpiresAt(e.currentTarget.value)}
        />
        <Button onClick={() => save.mutate()} disabled={!value} loading={save.isPending}>
          {t("setCredential")}
        </Button>
      </Group>
      <ErrorAlert error={save.error} />
    </Card>
  );
}

function Mappings({ storeId }: { storeId: number }) {
  const { t, v } = useI18n();
  const queryClient = useQueryClient();
  const mappings = useQuery({
    queryKey: ["mappings", storeId],
    queryFn: () => api.get<Page<Mapping>>(`/stores/${storeId}/mappings?limit=100`),
  });
  const payments = useQuery({
    queryKey: ["masters", "payment_method"],
    queryFn: () => api.get<Page<Master>>("/payment-methods?limit=100"),
  });
  const deliveries = useQuery({
    queryKey: ["masters", "delivery_method"],
    queryFn: () => api.get<Page<Master>>("/delivery-methods?limit=100"),
  });
  const services = useQuery({
    queryKey: ["delivery-services"],
    queryFn: () => api.get<Page<DeliveryService>>("/delivery-services?limit=100"),
  });
  const [kind, setKind] = useState<Mapping["kind"]>("payment_method");
  const [channelValue, setChannelValue] = useState("");
  const [target, setTarget] = useState<string | null>(null);
  const timeSlots = [...new Set((services.data?.data ?? []).flatMap((s) => s.timeSlots))];
  const targets =
    kind === "time_slot"
      ? timeSlots.map((slot) => ({ value: slot, label: slot }))
      : ((kind === "payment_method" ? payments.data : deliveries.data)?.data ?? []).map((m) => ({
          value: m.code,
          label: `${m.name} (${m.code})`,
        }));
  const save = useMutation({
    mutationFn: () => api.put(`/stores/${storeId}/mappings`, { kind, channelValue, target }),
    onSuccess: () => {
      setChannelValue("");
      queryClient.invalidateQueries({ queryKey: ["mappings", storeId] });
    },
  });
  return (
    <Card withBorder>
      <Title order={4}>{t("mappings")}</Title>
      <Table data-testid="mappings-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("kind")}</Table.Th>
            <Table.Th>{t("channelValue")}</Table.Th>
            <Table.Th>{t("target")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {mappings.data?.data.map((m) => (
            <Table.Tr key={m.id}>
              <Table.Td>{v(m.kind)}</Table.Td>
              <Table.Td>{m.channelValue}</Table.Td>
              <Table.Td>{m.target}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group align="end" mt="sm">
        <Select
          label={t("kind")}
          data={["payment_method", "delivery_method", "time_slot"].map((k) => ({ value: k, label: v(k) }))}
          value={kind}
          onChange={(value) => {
            setKind((value ?? "payment_method") as Mapping["kind"]);
            setTarget(null);
          }}
          allowDeselect={false}
        />
        <TextInput
          label={t("channelValue")}
          value={channelValue}
          onChange={(e) => setChannelValue(e.currentTarget.value)}
        />
        <Select label={t("target")} data={targets} value={target} onChange={setTarget} searchable />
        <Button onClick={() => save.mutate()} disabled={!channelValue || !target} loading={save.isPending}>
          {t("addMapping")}
        </Button>
      </Group>
      <ErrorAlert error={save.error} />
    </Card>
  );
}

function Functions({ storeId }: { storeId: number }) {
  const { t, v, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const functions = useQuery({
    queryKey: ["functions", storeId],
    queryFn: () => api.get<{ data: StoreFunction[] }>(`/stores/${storeId}/functions`),
    refetchInterval: 3_000,
  });
  const refresh = () => {
    queryClient.invalidateQueries({ queryKey: ["functions", storeId] });
    queryClient.invalidateQueries({ queryKey: ["runs"] });
  };
  const change = useMutation({
    mutationFn: ({ fn, body }: { fn: string; body: Record<string, unknown> }) =>
      api.patch(`/stores/${storeId}/functions/${fn}`, body),
    onSettled: refresh,
  });
  const run = useMutation({
    mutationFn: (fn: string) => api.post(`/stores/${storeId}/functions/${fn}/run`),
    onSettled: refresh,
  });
  return (
    <Card withBorder>
      <Title order={4}>{t("schedules")}</Title>
      <ErrorAlert error={functions.error ?? change.error ?? run.error} />
      <Table data-testid="functions-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("function")}</Table.Th>
            <Table.Th>{t("schedule")}</Table.Th>
            <Table.Th>{t("nextRun")}</Table.Th>
            <Table.Th>{t("lastRun")}</Table.Th>
            <Table.Th>{t("status")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {functions.data?.data.map((f) => (
            <Table.Tr key={f.function} data-function={f.function}>
              <Table.Td>{v(f.function)}</Table.Td>
              <Table.Td>
                <IntervalInput
                  value={f.intervalSeconds}
                  timesOfDay={f.timesOfDay}
                  onSave={(intervalSeconds) => change.mutate({ fn: f.function, body: { intervalSeconds } })}
                />
              </Table.Td>
              <Table.Td>{f.paused ? t("paused") : dateTime(f.nextRunAt)}</Table.Td>
              <Table.Td>
                {f.lastRun ? (
                  <Group gap={4}>
                    <StatusBadge value={f.lastRun.outcome} />
                    <Text size="xs">{dateTime(f.lastRun.startedAt)}</Text>
                    <Text size="xs" c="dimmed">
                      {countsText(f.lastRun.counts)}
                    </Text>
                  </Group>
                ) : (
                  "—"
                )}
              </Table.Td>
              <Table.Td>
                {f.failing ? (
                  <Text size="xs" c="red">
                    {f.failingReason}
                  </Text>
                ) : (
                  <Badge color="green" variant="light">
                    {t("ok")}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Button size="xs" onClick={() => run.mutate(f.function)}>
                    {t("runNow")}
                  </Button>
                  <Button
                    size="xs"
                    variant="default"
                    onClick={() => change.mutate({ fn: f.function, body: { paused: !f.paused } })}
                  >
                    {f.paused ? t("resume") : t("pause")}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

function IntervalInput({
  value,
  timesOfDay,
  onSave,
}: {
  value: number | null;
  timesOfDay: string[];
  onSave: (seconds: number) => void;
}) {
  const { t } = useI18n();
  const [seconds, setSeconds] = useState<number | string>(value ?? "");
  if (value === null) return <Text size="sm">{timesOfDay.join(", ")} JST</Text>;
  return (
    <Group gap={4} wrap="nowrap">
      <NumberInput size="xs" w={90} min={10} value={seconds} onChange={setSeconds} suffix={t("seconds")} />
      {Number(seconds) !== value && (
        <Button size="xs" variant="light" onClick={() => onSave(Number(seconds))}>
          {t("save")}
        </Button>
      )}
    </Group>
  );
}

export function RunHistory({ storeId }: { storeId?: number }) {
  const { t, v, dateTime } = useI18n();
  const storeName = useStores();
  const [page, setPage] = useState(1);
  const runs = useQuery({
    queryKey: ["runs", storeId, page],
    queryFn: () => api.get<Page<Run>>(`/runs${qs({ storeId, page, limit: 20 })}`),
    refetchInterval: 3_000,
  });
  const nameOf = (id: number) => storeName.data?.data.find((s) => s.id === id)?.name ?? `#${id}`;
  return (
    <Card withBorder>
      <Title order={4}>{t("runHistory")}</Title>
      <ErrorAlert error={runs.error} />
      <Table striped data-testid="run-history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("when")}</Table.Th>
            {!storeId && <Table.Th>{t("store")}</Table.Th>}
            <Table.Th>{t("function")}</Table.Th>
            <Table.Th>{t("trigger")}</Table.Th>
            <Table.Th>{t("outcome")}</Table.Th>
            <Table.Th>{t("counts")}</Table.Th>
            <Table.Th>{t("errors")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.data?.data.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>{dateTime(r.startedAt)}</Table.Td>
              {!storeId && <Table.Td>{nameOf(r.storeId)}</Table.Td>}
              <Table.Td>{v(r.function)}</Table.Td>
              <Table.Td>{v(r.trigger)}</Table.Td>
              <Table.Td>
                <StatusBadge value={r.outcome} />
              </Table.Td>
              <Table.Td>
                <Text size="xs">{countsText(r.counts)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="xs" c="red">
                  {r.errors.map((e) => String(e.message ?? JSON.stringify(e))).join(" / ")}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager page={runs.data} onPage={setPage} />
    </Card>
  );
}
