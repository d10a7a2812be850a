// Sign-in: with an `ow_` API token, and with email and password where Supabase Auth is configured
// (read at request time, so one build serves both kinds of deployment).
import { Suspense } from "react";
import { emailAuthConfig } from "@/lib/email-auth-config.ts";
import { LoginForm } from "./login-form.tsx";

export const dynamic = "force-dynamic";

export default function LoginPage() {
  return (
    <Suspense>
      <LoginForm emailAuth={emailAuthConfig()} />
    </Suspense>
  );
}
