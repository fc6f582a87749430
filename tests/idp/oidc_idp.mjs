// A real OpenID Connect provider for Parley's SSO tests: the certified `oidc-provider`
// package with its own login and consent pages (devInteractions: any login name and
// password sign in as that account). Started by parley/sso/tests/idp.py.
//
// Environment: IDP_PORT, IDP_CLIENT_ID, IDP_CLIENT_SECRET, IDP_REDIRECT_URIS (comma
// separated), IDP_ACCOUNTS (a JSON file read at every request, so a test can change a
// person's claims between two logins: {"alice": {"email": ..., "email_verified": true,
// "name": ..., "groups": [...]}}).
import { readFileSync } from "node:fs";
import Provider from "oidc-provider";

const port = Number(process.env.IDP_PORT);
const issuer = `http://127.0.0.1:${port}`;

function account(id) {
  const accounts = JSON.parse(readFileSync(process.env.IDP_ACCOUNTS, "utf8"));
  return accounts[id] || { email: `${id}@example.com`, email_verified: true, name: id };
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.IDP_CLIENT_ID,
      client_secret: process.env.IDP_CLIENT_SECRET,
      redirect_uris: process.env.IDP_REDIRECT_URIS.split(","),
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
    groups: ["groups"],
  },
  scopes: ["openid", "email", "profile", "groups"],
  pkce: { required: () => true },
  cookies: { keys: ["parley-test-idp-cookie-key"] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...account(id) };
      },
    };
  },
});
provider.proxy = false;
provider.listen(port, "127.0.0.1", () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
