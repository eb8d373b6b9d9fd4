// APIキー: the organization's keys (names and prefixes), issue one (its token shown once), revoke.
import { Alert, Badge, Button, Code, Group, Stack, Table, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api/client.ts";
import { useI18n } from "../i18n.tsx";
import { ErrorAlert } from "../ui.tsx";

interface ApiKey {
  id: number;
  name: string;
  tokenPrefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export function ApiKeysPage() {
  const { t, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ["api-keys"], queryFn: () => api.get<{ data: ApiKey[] }>("/api-keys") });
  const [name, setName] = useState("");
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["api-keys"] });
  const issue = useMutation({
    mutationFn: () => api.post<{ token: string }>("/api-keys", { name }),
    onSuccess: refresh,
  });
  const revoke = useMutation({
    mutationFn: (id: number) => api.delete(`/api-keys/${id}`),
    onSettled: refresh,
  });
  return (
    <Stack>
      <Title order={2}>{t("apiKeys")}</Title>
      <Group align="end">
        <TextInput label={t("name")} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Button onClick={() => issue.mutate()} disabled={!name} loading={issue.isPending}>
          {t("newKey")}
        </Button>
      </Group>
      {issue.data && (
        <Alert color="yellow" title={t("tokenOnce")}>
          <Code>{issue.data.token}</Code>
        </Alert>
      )}
      <ErrorAlert error={keys.error ?? issue.error ?? revoke.error} />
      <Table striped data-testid="api-keys-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("name")}</Table.Th>
            <Table.Th>{t("prefix")}</Table.Th>
            <Table.Th>{t("createdAt")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.data?.data.map((k) => (
            <Table.Tr key={k.id}>
              <Table.Td>{k.name}</Table.Td>
              <Table.Td ff="monospace">{k.tokenPrefix}…</Table.Td>
              <Table.Td>{dateTime(k.createdAt)}</Table.Td>
              <Table.Td>
                {k.revokedAt ? (
                  <Badge color="gray">{t("revoked")}</Badge>
                ) : (
                  <Button size="xs" color="red" variant="subtle" onClick={() => revoke.mutate(k.id)}>
                    {t("revoke")}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
