/** Any address no other route claims: a friendly 404 through the root error boundary. */
export async function loader() {
  throw new Response("There is no page at this address. It may have moved, or the link may be mistyped.", { status: 404 });
}

export default function NotFound() {
  return null;
}
