"use client";
// Sign-in with an `ow_` API token (it goes to /api/session once, which seals it into an httpOnly
// cookie; this page never stores it), or with email and password through Supabase Auth.
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useState } from "react";
import { FormError } from "@/components/form-error.tsx";
import {
  authClient,
  defaultOrganizationName,
  type EmailAuthConfig,
  establishSession,
} from "@/lib/email-auth.ts";

export function LoginForm({ emailAuth }: { emailAuth: EmailAuthConfig | null }) {
  const router = useRouter();
  const next = useSearchParams().get("next");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const done = () => router.replace(next?.startsWith("/") ? next : "/jobs");

  async function withToken(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const token = String(new FormData(e.currentTarget).get("token") ?? "").trim();
    setBusy(true);
    setError(null);
    const res = await fetch("/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });
    setBusy(false);
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      return setError(body?.error?.message ?? `sign-in failed (${res.status})`);
    }
    done();
  }

  async function withPassword(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!emailAuth) return;
    const form = new FormData(e.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    setBusy(true);
    setError(null);
    const { data, error: failed } = await authClient(emailAuth).auth.signInWithPassword({
      email,
      password: String(form.get("password") ?? ""),
    });
    const problem = failed
      ? failed.message
      : await establishSession(data.session!, defaultOrganizationName(email));
    setBusy(false);
    if (problem) return setError(problem);
    done();
  }

  return (
    <main className="login">
      <h1>Sign in to OpenWeights</h1>
      {emailAuth && (
        <>
          <form onSubmit={withPassword}>
            <label htmlFor="email">Email</label>
            <input id="email" name="email" type="email" autoComplete="username" required />
            <label htmlFor="password">Password</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required />
            <button type="submit" disabled={busy}>
              Sign in with email
            </button>
          </form>
          <p className="muted">
            <Link href="/signup">Create an account</Link> · <Link href="/reset">Forgot your password?</Link>
          </p>
          <h2>Or with an API token</h2>
        </>
      )}
      <form onSubmit={withToken}>
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="off" required placeholder="ow_…" />
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <FormError error={error} />
      <p className="muted">
        Create a token with <code>ow token create</code>, or use the one <code>npm start</code> printed.
      </p>
    </main>
  );
}
