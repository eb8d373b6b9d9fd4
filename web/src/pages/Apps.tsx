// アプリ: OAuth2 clients that carts use to reach Kura (see api/apps.ts), with the stores each may act on.
import { Alert, Badge, Button, Card, Code, Group, Stack, Table, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { createApp, deleteApp, listApps, withdrawAuthorization } from "../api/apps.ts";
import { useI18n } from "../i18n.tsx";
import { ErrorAlert } from "../ui.tsx";

export function AppsPage() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const clients = useQuery({ queryKey: ["apps"], queryFn: listApps });
  const [name, setName] = useState("");
  const [redirectUri, setRedirectUri] = useState("");
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["apps"] });
  const create = useMutation({ mutationFn: () => createApp({ name, redirectUri }), onSuccess: refresh });
  const remove = useMutation({ mutationFn: deleteApp, onSettled: refresh });
  const withdraw = useMutation({
    mutationFn: ({ appId, authorizationId }: { appId: number; authorizationId: number }) =>
      withdrawAuthorization(appId, authorizationId),
    onSettled: refresh,
  });
  return (
    <Stack>
      <Title order={2}>{t("apps")}</Title>
      <ErrorAlert error={clients.error ?? create.error ?? remove.error ?? withdraw.error} />
      {clients.data && (
        <>
          <Card withBorder>
            <Stack>
              <TextInput label={t("name")} value={name} onChange={(e) => setName(e.currentTarget.value)} />
              <TextInput
                label={t("redirectUri")}
                placeholder="https://cart.example.jp/oauth/callback"
                value={redirectUri}
                onChange={(e) => setRedirectUri(e.currentTarget.value)}
              />
              <Group>
                <Button
                  onClick={() => create.mutate()}
                  disabled={!name || !redirectUri}
                  loading={create.isPending}
                >
                  {t("newApp")}
                </Button>
              </Group>
              {create.data && (
                <Alert color="yellow" title={t("tokenOnce")}>
                  {t("clientId")}: <Code>{create.data.clientId}</Code> {t("clientSecret")}:{" "}
                  <Code>{create.data.clientSecret}</Code>
                </Alert>
              )}
            </Stack>
          </Card>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("name")}</Table.Th>
                <Table.Th>{t("clientId")}</Table.Th>
                <Table.Th>{t("redirectUri")}</Table.Th>
                <Table.Th>{t("authorizedStores")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {clients.data.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>{c.name}</Table.Td>
                  <Table.Td ff="monospace">{c.clientId}</Table.Td>
                  <Table.Td>{c.redirectUri}</Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      {c.authorizations.map((a) => (
                        <Badge
                          key={a.id}
                          variant="light"
                          rightSection={
                            <Button
                              size="compact-xs"
                              variant="transparent"
                              aria-label={t("withdraw")}
                              onClick={() => withdraw.mutate({ appId: c.id, authorizationId: a.id })}
                            >
                              ×
                            </Button>
                          }
                        >
                          {a.storeName} ({a.scopes.join(", ")})
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" color="red" variant="subtle" onClick={() => remove.mutate(c.id)}>
                      {t("delete")}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Stack>
  );
}
