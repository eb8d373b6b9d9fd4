// Cart apps (OAuth2 clients that carts use to reach Kura; src/api/routes/cart-apps.ts). The only place
// of the web admin that knows their routes.
import { api } from "./client.ts";

export interface AppAuthorization {
  id: number;
  storeId: number;
  storeName: string;
  scopes: string[];
  authorizedBy: string;
  createdAt: string;
}

export interface CartApp {
  id: number;
  name: string;
  clientId: string;
  redirectUri: string;
  createdAt: string;
  authorizations: AppAuthorization[];
}

export const listApps = async (): Promise<CartApp[]> => (await api.get<{ data: CartApp[] }>("/apps")).data;
export const createApp = (input: { name: string; redirectUri: string }) =>
  api.post<CartApp & { clientSecret: string }>("/apps", input);
export const deleteApp = (id: number) => api.delete(`/apps/${id}`);
export const withdrawAuthorization = (appId: number, authorizationId: number) =>
  api.delete(`/apps/${appId}/authorizations/${authorizationId}`);
