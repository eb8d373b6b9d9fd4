// The consent pages (同意画面), rendered on the server in Japanese with English: sign-in, consent, error.
// Every value is HTML-escaped; forms carry their CSRF token as a hidden field.
import { type CartScope, cartScopes, scopeLabels } from "../../operations/apps.ts";

export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The OAuth2 parameters of an authorization request, carried through the forms unchanged. */
export interface AuthorizeParams {
  client_id: string;
  redirect_uri: string;
  response_type: string;
  scope: string;
  state: string;
  /** PKCE (RFC 7636); empty when the cart sent none. */
  code_challenge: string;
  code_challenge_method: string;
}

const hidden = (name: string, value: string) =>
  `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;

const hiddenParams = (params: AuthorizeParams) =>
  (Object.entries(params) as [string, string][]).map(([name, value]) => hidden(name, value)).join("\n");

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} — Kura</title>
<style>
body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;background:#f4f5f7;margin:0;color:#1f2328}
main{max-width:440px;margin:48px auto;background:#fff;border-radius:8px;padding:28px;box-shadow:0 1px 3px #0002}
h1{font-size:1.25rem;margin:0 0 16px}.en{color:#59636e;font-size:.85em}
label{display:block;margin:12px 0 4px}input[type=email],input[type=password],select{width:100%;padding:8px;box-sizing:border-box}
ul{padding-left:1.2em}.error{background:#ffebe9;border:1px solid #ff8182;padding:8px 12px;border-radius:6px}
.buttons{display:flex;gap:12px;margin-top:20px}button{flex:1;padding:10px;border-radius:6px;border:1px solid #d0d7de;cursor:pointer;font-size:1rem}
button.allow{background:#1f883d;color:#fff;border-color:#1f883d}
</style>
</head>
<body><main>
${body}
</main></body>
</html>`;
}

export function loginPage(options: {
  appName: string;
  params: AuthorizeParams;
  csrf: string;
  error?: string;
  email?: string;
}): string {
  const error = options.error ? `<p class="error" role="alert">${options.error}</p>` : "";
  return layout(
    "ログイン / Sign in",
    `<h1>Kura にログイン <span class="en">Sign in to Kura</span></h1>
<p>「${escapeHtml(options.appName)}」が Kura との連携を求めています。<br><span class="en">${escapeHtml(options.appName)} asks to connect to Kura.</span></p>
${error}
<form method="post" action="/oauth/login">
${hidden("csrf", options.csrf)}
${hiddenParams(options.params)}
<label for="email">メールアドレス <span class="en">E-mail</span></label>
<input id="email" name="email" type="email" required autocomplete="username" value="${escapeHtml(options.email ?? "")}">
<label for="password">パスワード <span class="en">Password</span></label>
<input id="password" name="password" type="password" required autocomplete="current-password">
<div class="buttons"><button class="allow" type="submit">ログイン <span class="en">Sign in</span></button></div>
</form>`,
  );
}

export function consentPage(options: {
  appName: string;
  userEmail: string;
  organizationName: string;
  stores: Array<{ id: number; name: string }>;
  scopes: string[];
  params: AuthorizeParams;
  csrf: string;
}): string {
  const scopes = options.scopes
    .filter((s): s is CartScope => (cartScopes as readonly string[]).includes(s))
    .map(
      (s) => `<li>${scopeLabels[s].ja} <span class="en">${scopeLabels[s].en}</span> (<code>${s}</code>)</li>`,
    )
    .join("\n");
  const noStore = options.stores.length === 0;
  const storeChoice = noStore
    ? `<p class="error">連携できる店舗がありません。チャネル <code>cart-api</code> の店舗を先に作成してください。<br><span class="en">There is no store to connect: create a store with channel <code>cart-api</code> first.</span></p>`
    : `<label for="store_id">連携する店舗 <span class="en">Store to connect</span></label>
<select id="store_id" name="store_id" required>
${options.stores.map((s) => `<option value="${s.id}">${escapeHtml(s.name)}</option>`).join("\n")}
</select>`;
  return layout(
    "連携の許可 / Authorize",
    `<h1>連携の許可 <span class="en">Authorize an app</span></h1>
<p>「<strong>${escapeHtml(options.appName)}</strong>」に ${escapeHtml(options.organizationName)} の次の操作を許可しますか？<br>
<span class="en">Allow <strong>${escapeHtml(options.appName)}</strong> to do the following for ${escapeHtml(options.organizationName)}?</span></p>
<ul>
${scopes}
</ul>
<p class="en">ログイン中 / Signed in as ${escapeHtml(options.userEmail)}</p>
<form method="post" action="/oauth/authorize">
${hidden("csrf", options.csrf)}
${hiddenParams(options.params)}
${storeChoice}
<div class="buttons">
<button type="submit" name="decision" value="deny">拒否する <span class="en">Deny</span></button>
<button class="allow" type="submit" name="decision" value="allow"${noStore ? " disabled" : ""}>許可する <span class="en">Allow</span></button>
</div>
</form>`,
  );
}

export function errorPage(code: string, ja: string, en: string): string {
  return layout(
    "エラー / Error",
    `<h1>連携できません <span class="en">Cannot connect</span></h1>
<p class="error" role="alert">${escapeHtml(ja)}<br><span class="en">${escapeHtml(en)}</span></p>
<p class="en">error: <code>${escapeHtml(code)}</code></p>`,
  );
}
