"use client";
// Password reset with supabase-js: resetPasswordForEmail mails a one-time code (Supabase's
// recovery email carries it as {{ .Token }}); verifyOtp with that code signs the user in for the
// recovery, updateUser sets the new password, and the session is sealed like any sign-in.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useMemo, useState } from "react";
import { FormError } from "@/components/form-error.tsx";
import {
  authClient,
  defaultOrganizationName,
  type EmailAuthConfig,
  establishSession,
} from "@/lib/email-auth.ts";

export function ResetForm({ emailAuth }: { emailAuth: EmailAuthConfig }) {
  const router = useRouter();
  const supabase = useMemo(() => authClient(emailAuth), [emailAuth]);
  const [email, setEmail] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function sendCode(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const address = String(new FormData(e.currentTarget).get("email") ?? "").trim();
    setBusy(true);
    setError(null);
    const { error: failed } = await supabase.auth.resetPasswordForEmail(address);
    setBusy(false);
    if (failed) return setError(failed.message);
    setEmail(address);
  }

  async function setPassword(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!email) return;
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const verified = await supabase.auth.verifyOtp({
      email,
      token: String(form.get("code") ?? "").trim(),
      type: "recovery",
    });
    const updated = verified.error
      ? null
      : await supabase.auth.updateUser({ password: String(form.get("new-password") ?? "") });
    const problem =
      verified.error?.message ??
      updated?.error?.message ??
      (await establishSession(verified.data.session!, defaultOrganizationName(email)));
    setBusy(false);
    if (problem) return setError(problem);
    router.replace("/jobs");
  }

  return (
    <main className="login">
      <h1>Reset your password</h1>
      {email === null ? (
        <form onSubmit={sendCode}>
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" autoComplete="username" required />
          <button type="submit" disabled={busy}>
            Email me a reset code
          </button>
        </form>
      ) : (
        <form onSubmit={setPassword}>
          <p role="status">If an account uses {email}, a reset code is on its way.</p>
          <label htmlFor="code">Reset code</label>
          <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" required />
          <label htmlFor="new-password">New password</label>
          <input
            id="new-password"
            name="new-password"
            type="password"
            autoComplete="new-password"
            minLength={6}
            required
          />
          <button type="submit" disabled={busy}>
            Set new password
          </button>
        </form>
      )}
      <FormError error={error} />
      <p className="muted">
        <Link href="/login">Back to sign in</Link>
      </p>
    </main>
  );
}
