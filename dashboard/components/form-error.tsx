/** A form's problem, announced to screen readers (role alert); nothing when there is none. */
export function FormError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error}
    </p>
  );
}
