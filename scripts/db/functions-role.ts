// The least-privileged login the functions use (migration *_functions_login_role.sql): turns LOGIN
// on for `openweights_functions` with the given password and returns the URL to connect as it.
// The local stack and the tests call this after the migrations; a hosted project does it once by hand.
import postgres from "postgres";

export const FUNCTIONS_ROLE = "openweights_functions";

export async function enableFunctionsLogin(adminUrl: string, password: string): Promise<string> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`alter role ${FUNCTIONS_ROLE} login password '${password.replaceAll("'", "''")}'`);
  } finally {
    await sql.end();
  }
  return functionsUrl(adminUrl, password);
}

/** adminUrl with the functions' role and password instead of the superuser's (same host and database). */
export function functionsUrl(adminUrl: string, password: string): string {
  const url = new URL(adminUrl);
  url.username = FUNCTIONS_ROLE;
  url.password = encodeURIComponent(password);
  return url.toString();
}
