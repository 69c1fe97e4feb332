// A local OpenID provider for Samordna's tests and demo: the certified `oidc-provider` package with
// a small configuration, standing in for the county's IdP (Inera's IdP with SITHS, or a
// municipality's). Never for production: accounts and passwords come from a JSON file.
//
// Environment:
//   OIDC_HOST, OIDC_PORT       where to listen (default 127.0.0.1 and a free port)
//   OIDC_ACCOUNTS_FILE         JSON list of {"login", "password", "claims": {"sub", "hsa_id", ...}}
//                              (an individual's claims carry "personal_identity_number" instead)
//   OIDC_CLIENTS               JSON list of client metadata (client_id, client_secret,
//                              redirect_uris, post_logout_redirect_uris, client_name)
//   OIDC_CLOCK_OFFSET_MS       tests only: run this many milliseconds ahead of the real time
//   OIDC_TEST_HOOKS=1          tests only: JSON lines on stdin move the clock
//                              ({"clock_offset_ms": n}) or change the next ID token
//                              ({"tamper": {"claims": {...}, "foreign_key": true}}), answered {"ok":true}
// When listening it prints one JSON line: {"issuer": "http://127.0.0.1:PORT"}.
import fs from 'node:fs';
import http from 'node:http';
import crypto from 'node:crypto';
import readline from 'node:readline';
import { URLSearchParams } from 'node:url';

import * as jose from 'jose';
import { Provider, errors } from 'oidc-provider';

const env = process.env;
// stdout carries only this program's JSON lines; oidc-provider's notices go to stderr.
console.log = console.info = console.warn = (...args) => console.error(...args);
const HOOKS = env.OIDC_TEST_HOOKS === '1';
const accounts = JSON.parse(fs.readFileSync(env.OIDC_ACCOUNTS_FILE, 'utf8'));
const clients = JSON.parse(env.OIDC_CLIENTS || '[]');

// The tests run Python at a chosen instant (time-machine): the provider's clock follows it, as
// an IdP's and a service's clocks agree through NTP. oidc-provider reads the time via Date.now().
let clockOffsetMs = Number(env.OIDC_CLOCK_OFFSET_MS || 0);
if (HOOKS || clockOffsetMs) {
  const realNow = Date.now;
  Date.now = () => realNow() + clockOffsetMs;
}
let tamper = null;

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

const page = (title, body) => `<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin-top:1rem;font-weight:bold}input{display:block;width:100%;padding:.4rem;font-size:1rem}
button{margin-top:1rem;padding:.5rem 1rem;font-size:1rem;background:#00549f;color:#fff;border:0}
.error{color:#a00000;font-weight:bold}.note{color:#444}</style></head>
<body><header><p>Demo-IdP (testmiljö, ersätter SITHS/e-legitimation)</p></header>
<main>${body}</main></body></html>`;

const { publicKey, privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const kid = crypto.randomUUID();
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
// A key this provider does not publish, for tests of a forged signature (same kid).
const foreign = await jose.generateKeyPair('RS256');
void publicKey;

const configuration = {
  clients,
  jwks: { keys: [signingJwk] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name'],
    hsa: ['hsa_id'],
    // The individual's e-identification through the county's identity broker (BankID, Freja):
    // the personal identity number, 12 digits (issue 15, /mina-sidor/).
    pnr: ['personal_identity_number'],
  },
  scopes: ['openid', 'profile', 'hsa', 'pnr'],
  // The ID token carries the claims the service matches on, as Inera's IdP does.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Logga ut', `<h1>Vill du logga ut från demo-IdP:n?</h1>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Ja, logga ut</button>
<button type="submit" form="op.logoutForm">Nej, förbli inloggad</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Utloggad', '<h1>Du är utloggad</h1>');
      },
    },
  },
  ttl: {
    IdToken: 600, AuthorizationCode: 60, Session: 8 * 3600, Interaction: 600, Grant: 8 * 3600,
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts.find((a) => a.claims.sub === sub);
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { ...account.claims }; } };
  },
  // First-party clients of the county: no consent screen, the grant covers what they ask for.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid profile hsa pnr');
    await grant.save();
    return grant;
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Fel', `<h1>Inloggningen kunde inte genomföras</h1>
<p>${escape(out.error)}: ${escape(out.error_description || '')}</p>`);
  },
};

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(env.OIDC_PORT || 0), env.OIDC_HOST || '127.0.0.1', resolve));
const { address, port } = server.address();
const issuer = `http://${address}:${port}`;
const provider = new Provider(issuer, configuration);

if (HOOKS) {
  // A test may replace the next ID token: other claims (audience, issuer), or a signature made
  // with a key this provider does not own. Everything else about the response stays real.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === 'token' && tamper && ctx.body?.id_token) {
      const change = tamper;
      tamper = null;
      const claims = { ...jose.decodeJwt(ctx.body.id_token), ...(change.claims || {}) };
      const key = change.foreign_key ? foreign.privateKey : privateKey;
      const idToken = await new jose.SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .sign(key);
      ctx.body = { ...ctx.body, id_token: idToken };
    }
  });
}

const readBody = (req) => new Promise((resolve, reject) => {
  let data = '';
  req.on('data', (chunk) => {
    data += chunk;
    if (data.length > 10000) reject(new Error('body too large'));
  });
  req.on('end', () => resolve(new URLSearchParams(data)));
  req.on('error', reject);
});

const loginPage = (uid, client, error, login) => page('Logga in', `<h1>Logga in</h1>
<p class="note">${escape(client?.clientName || client?.clientId || '')} vill veta vem du är.</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Användarnamn</label><input id="login" name="login" autocomplete="username" value="${escape(login || '')}" required autofocus>
<label for="password">Lösenord</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Logga in</button></form>`);

async function interaction(req, res) {
  res.setHeader('Cache-Control', 'no-store');
  const send = (status, html) => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(html);
  };
  try {
    const details = await provider.interactionDetails(req, res);
    const client = await provider.Client.find(details.params.client_id);
    if (req.method === 'GET') {
      return send(200, loginPage(details.uid, client));
    }
    const form = await readBody(req);
    const account = accounts.find((a) => a.login === form.get('login'));
    if (!account || account.password !== form.get('password')) {
      return send(401, loginPage(details.uid, client, 'Fel användarnamn eller lösenord.', form.get('login')));
    }
    return await provider.interactionFinished(
      req, res, { login: { accountId: account.claims.sub, amr: ['pwd'] } },
      { mergeWithLastSubmission: false },
    );
  } catch (err) {
    if (err instanceof errors.SessionNotFound) {
      return send(400, page('Fel', '<h1>Inloggningen har gått ut</h1><p>Börja om från tjänsten.</p>'));
    }
    console.error(err);
    return send(500, page('Fel', '<h1>Ett fel uppstod</h1>'));
  }
}

const callback = provider.callback();
server.on('request', (req, res) => {
  if (HOOKS) {
    // The browser runs at the real time while the provider may run at a test's instant: its
    // cookies end with the browser context instead of at a date the browser would misjudge.
    const setHeader = res.setHeader.bind(res);
    res.setHeader = (name, value) => setHeader(name, name.toLowerCase() === 'set-cookie'
      ? [].concat(value).map((c) => c.replace(/;\s*expires=[^;]*/i, ''))
      : value);
  }
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res);
  } else {
    callback(req, res);
  }
});

if (HOOKS) {
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const command = JSON.parse(line);
    if ('clock_offset_ms' in command) clockOffsetMs = command.clock_offset_ms;
    if ('tamper' in command) tamper = command.tamper;
    process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
  });
}
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
