/**
 * What a form's answer says above or below it: a problem (announced at once, `role="alert"`) or a
 * confirmation (announced politely, `role="status"`). Nothing is rendered without a message, so a
 * page can place both unconditionally.
 */
export function FormProblem({ message, id }: { message: string | null | undefined; id?: string }) {
  return message ? (
    <p className="form-error" role="alert" id={id}>
      {message}
    </p>
  ) : null;
}

export function FormNotice({ message }: { message: string | null | undefined }) {
  return message ? (
    <p className="notice" role="status">
      {message}
    </p>
  ) : null;
}
