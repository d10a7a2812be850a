"use client";
// Sign-up with supabase-js; where the project confirms emails first, the user is told to check
// their inbox and sign in afterwards (their organization is created at that first sign-in).
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { FormError } from "@/components/form-error.tsx";
import {
  authClient,
  defaultOrganizationName,
  type EmailAuthConfig,
  establishSession,
} from "@/lib/email-auth.ts";

export function SignUpForm({ emailAuth }: { emailAuth: EmailAuthConfig }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const organization = String(form.get("organization") ?? "").trim() || defaultOrganizationName(email);
    setBusy(true);
    setError(null);
    const { data, error: failed } = await authClient(emailAuth).auth.signUp({
      email,
      password: String(form.get("password") ?? ""),
    });
    if (failed || !data.session) {
      setBusy(false);
      if (failed) return setError(failed.message);
      return setNotice("Check your email to confirm your address, then sign in.");
    }
    const problem = await establishSession(data.session, organization);
    setBusy(false);
    if (problem) return setError(problem);
    router.replace("/jobs");
  }

  return (
    <main className="login">
      <h1>Create an OpenWeights account</h1>
      <form onSubmit={submit}>
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={6}
          required
        />
        <label htmlFor="organization">Organization name</label>
        <input
          id="organization"
          name="organization"
          type="text"
          maxLength={100}
          placeholder="your first organization"
        />
        <button type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create account"}
        </button>
      </form>
      <FormError error={error} />
      {notice && <p role="status">{notice}</p>}
      <p className="muted">
        Have an account? <Link href="/login">Sign in</Link>
      </p>
    </main>
  );
}
