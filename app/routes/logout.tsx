import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { signOut } from "~/accounts/auth.server";

export async function action({ request }: ActionFunctionArgs) {
  return signOut(request);
}

/** Logging out changes state, so it is a POST; a plain visit just goes home. */
export async function loader() {
  return redirect("/");
}
