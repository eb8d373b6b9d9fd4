// Run before `npm start` and `npm run demo`: builds the web admin into dist/web when a fresh clone has no
// build yet (about half a minute), so `npm ci && npm start` serves the admin at /. `npm run build:web`
// rebuilds it after a change.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const index = fileURLToPath(new URL("../dist/web/index.html", import.meta.url));
if (!existsSync(index) && !process.env.KURA_WEB_ROOT) {
  console.log("building the web admin once (dist/web)…");
  await build({ configFile: fileURLToPath(new URL("./vite.config.ts", import.meta.url)), logLevel: "warn" });
}
