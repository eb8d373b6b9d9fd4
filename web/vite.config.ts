// The web admin's build (`npm run build:web` → dist/web, served by `kura start` at /) and dev server
// (`npm run dev`: hot reload on :5173, the API proxied to a running Kura on KURA_PORT or 3000).
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const api = `http://127.0.0.1:${process.env.KURA_PORT ?? "3000"}`;

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    // One bundle for an admin on the local network: splitting would only add requests.
    chunkSizeWarningLimit: 1000,
  },
  server: { proxy: { "/api": api, "/docs": api } },
});
