// The admin's one way to the API: the session cookie goes along (same origin), every request carries the
// admin header the server requires on writes (CSRF), and errors become ApiError with the server's message.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly rows?: { row: number; column: string; message: string }[],
  ) {
    super(message);
  }
}

export interface Page<T> {
  data: T[];
  current_page: number;
  limit: number;
  total_count: number;
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  init: RequestInit = {},
): Promise<T> {
  const headers: Record<string, string> = {
    "x-kura-admin": "1",
    ...(init.headers as Record<string, string>),
  };
  let payload = init.body;
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { ...init, method, headers, body: payload, credentials: "same-origin" });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json = text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text;
  if (!response.ok) {
    const error = json?.error ?? {};
    throw new ApiError(
      response.status,
      error.code ?? "error",
      error.message ?? response.statusText,
      error.field,
      json?.rows,
    );
  }
  return json as T;
}

let merchantBase = "";
/** Set once signed in: every merchant path is relative to the user's organization. */
export function setMerchant(organizationId: number | null) {
  merchantBase = organizationId ? `/api/v1/merchant/${organizationId}` : "";
}
export const merchantPath = (path: string) => merchantBase + path;

export const api = {
  get: <T>(path: string) => request<T>("GET", merchantPath(path)),
  post: <T>(path: string, body: unknown = {}) => request<T>("POST", merchantPath(path), body),
  put: <T>(path: string, body: unknown) => request<T>("PUT", merchantPath(path), body),
  patch: <T>(path: string, body: unknown) => request<T>("PATCH", merchantPath(path), body),
  delete: <T>(path: string) => request<T>("DELETE", merchantPath(path)),
};

/** Query string of the defined, non-empty values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** Uploads raw bytes with upload progress (XHR: fetch cannot report it). */
export function upload<T>(
  path: string,
  file: Blob,
  contentType: string,
  onProgress: (ratio: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", merchantPath(path));
    xhr.setRequestHeader("content-type", contentType);
    xhr.setRequestHeader("x-kura-admin", "1");
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      const json = xhr.responseText ? JSON.parse(xhr.responseText) : {};
      if (xhr.status >= 200 && xhr.status < 300) return resolve(json as T);
      const error = json.error ?? {};
      reject(
        new ApiError(
          xhr.status,
          error.code ?? "error",
          error.message ?? "upload failed",
          error.field,
          json.rows,
        ),
      );
    };
    xhr.onerror = () => reject(new ApiError(0, "network", "the upload failed"));
    xhr.send(file);
  });
}
