// The Auth stand-in's state. Users live in auth.users (the table our organization_members rows
// reference, with Supabase's column names); passwords are scrypt hashes (node:crypto; GoTrue uses
// bcrypt, which no caller can observe). Sessions and recovery codes are kept in memory: a restart of
// the stand-in signs everyone out, as a revoked session would.
import { randomBytes, randomInt, randomUUID, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import type { Sql } from "postgres";

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export interface UserRow {
  id: string;
  email: string;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  raw_user_meta_data: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export interface Session {
  id: string;
  userId: string;
  refreshToken: string;
  revoked: boolean;
}

/** A mail the stand-in "sent" (Supabase's local stack catches these in its mail inbox, Mailpit). */
export interface OutboxMail {
  to: string;
  subject: string;
  /** The one-time code the mail carries ({{ .Token }} in GoTrue's templates). */
  token: string;
  sentAt: string;
}

const RECOVERY_TTL_MS = 60 * 60 * 1000; // GoTrue's default mailer OTP expiry: 3600 s

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32);
  return `scrypt$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

export async function passwordMatches(password: string, stored: string | null): Promise<boolean> {
  const [kind, salt, hash] = (stored ?? "").split("$");
  if (kind !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await scryptAsync(password, Buffer.from(salt, "base64url"), expected.length);
  return timingSafeEqual(actual, expected);
}

export class Accounts {
  private readonly sessions = new Map<string, Session>();
  private readonly byRefresh = new Map<string, Session>();
  private readonly recovery = new Map<string, { token: string; expires: number }>();
  readonly outbox: OutboxMail[] = [];

  constructor(private readonly sql: Sql) {}

  async findByEmail(email: string): Promise<UserRow | undefined> {
    const [row] = await this.sql<UserRow[]>`select * from auth.users where lower(email) = lower(${email})`;
    return row;
  }

  async findById(id: string): Promise<UserRow | undefined> {
    const [row] = await this.sql<UserRow[]>`select * from auth.users where id = ${id}`;
    return row;
  }

  /** Creates a confirmed user (local Supabase's default: email confirmations off), or null if taken. */
  async create(email: string, password: string, data: Record<string, unknown>): Promise<UserRow | null> {
    const hash = await hashPassword(password);
    const [row] = await this.sql<UserRow[]>`insert into auth.users
        (id, email, encrypted_password, email_confirmed_at, raw_user_meta_data)
      values (${randomUUID()}, ${email.toLowerCase()}, ${hash}, now(), ${this.sql.json(data as never)})
      on conflict (email) do nothing returning *`;
    return row ?? null;
  }

  async setPassword(userId: string, password: string): Promise<UserRow | undefined> {
    const hash = await hashPassword(password);
    const [row] = await this.sql<UserRow[]>`update auth.users
      set encrypted_password = ${hash}, updated_at = now() where id = ${userId} returning *`;
    return row;
  }

  async startSession(user: UserRow): Promise<{ session: Session; user: UserRow }> {
    const [signedIn] = await this.sql<UserRow[]>`update auth.users set last_sign_in_at = now()
      where id = ${user.id} returning *`;
    const session: Session = {
      id: randomUUID(),
      userId: user.id,
      refreshToken: randomBytes(16).toString("base64url"),
      revoked: false,
    };
    this.sessions.set(session.id, session);
    this.byRefresh.set(session.refreshToken, session);
    return { session, user: signedIn ?? user };
  }

  /** Rotates a refresh token (GoTrue: each is usable once); null when unknown or revoked. */
  refresh(refreshToken: string): Session | null {
    const session = this.byRefresh.get(refreshToken);
    if (!session || session.revoked) return null;
    this.byRefresh.delete(refreshToken);
    session.refreshToken = randomBytes(16).toString("base64url");
    this.byRefresh.set(session.refreshToken, session);
    return session;
  }

  session(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** scope `global`: every session of the user; `local`: this one; `others`: all but this one. */
  signOut(session: Session, scope: "global" | "local" | "others"): void {
    for (const s of this.sessions.values()) {
      if (s.userId !== session.userId) continue;
      if (scope === "local" && s.id !== session.id) continue;
      if (scope === "others" && s.id === session.id) continue;
      s.revoked = true;
      this.byRefresh.delete(s.refreshToken);
    }
  }

  /** A six-digit recovery code mailed to the address (only if a user has it). */
  async sendRecovery(email: string): Promise<void> {
    const user = await this.findByEmail(email);
    if (!user) return;
    const token = String(randomInt(0, 1_000_000)).padStart(6, "0");
    this.recovery.set(user.id, { token, expires: Date.now() + RECOVERY_TTL_MS });
    this.outbox.push({
      to: user.email,
      subject: "Reset Your Password",
      token,
      sentAt: new Date().toISOString(),
    });
  }

  /** Consumes a recovery code: the user it was mailed to, or null (wrong, used or expired). */
  async verifyRecovery(email: string, token: string): Promise<UserRow | null> {
    const user = await this.findByEmail(email);
    const pending = user ? this.recovery.get(user.id) : undefined;
    if (!user || !pending || pending.token !== token || pending.expires < Date.now()) return null;
    this.recovery.delete(user.id);
    return user;
  }
}
