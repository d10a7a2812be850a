// Password reset through Supabase Auth: a code is mailed, then the code sets a new password.
import { notFound } from "next/navigation";
import { emailAuthConfig } from "@/lib/email-auth-config.ts";
import { ResetForm } from "./reset-form.tsx";

export const dynamic = "force-dynamic";

export default function ResetPage() {
  const config = emailAuthConfig();
  if (!config) notFound();
  return <ResetForm emailAuth={config} />;
}
