// Creating an account (email and password through Supabase Auth) and its first organization.
import { notFound } from "next/navigation";
import { emailAuthConfig } from "@/lib/email-auth-config.ts";
import { SignUpForm } from "./signup-form.tsx";

export const dynamic = "force-dynamic";

export default function SignUpPage() {
  const config = emailAuthConfig();
  if (!config) notFound();
  return <SignUpForm emailAuth={config} />;
}
