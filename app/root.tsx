import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  type ShouldRevalidateFunction,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { getUser } from "./accounts/auth.server";
import { db } from "./platform/db.server";
import { retryAfterHeaders } from "./http/rate-limit.server";
import { countUnreadReplies } from "./models/arguments.server";
import { persuasionNewsFor } from "./models/persuasion.server";
import { can } from "./domain/permissions";
import { useNonce } from "./http/nonce";
import stylesheet from "./styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Casebook" }];

/** A 429 thrown by a page's loader or action is rendered by this route's ErrorBoundary, so its Retry-After is passed on here. */
export const headers = retryAfterHeaders;

/** A phone's workshop actions change nothing the header shows; skipping this keeps a vote to one request. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) => (formAction?.startsWith("/w/") ? false : defaultShouldRevalidate);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  return {
    user: user && {
      displayName: user.display_name,
      role: user.role,
      canManageUsers: can(user.role, "users.manage"),
      canSeeCaseProblems: can(user.role, "case-problems.read"),
      canRunWorkshops: can(user.role, "workshops.run"),
      unreadReplies: await countUnreadReplies(db(), user),
      /** People newly named one of this person's arguments as what changed their mind (persuasion.ts). */
      newlyPersuaded: (await persuasionNewsFor(db(), user.id)).unread,
    },
  };
}

function SiteHeader() {
  const data = useRouteLoaderData<typeof loader>("root");
  const user = data?.user;
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Link to="/" className="brand">
        Casebook
      </Link>
      <nav aria-label="Main">
        <ul>
          <li>
            <NavLink to="/" end>
              Library
            </NavLink>
          </li>
          {user?.canRunWorkshops ? (
            <li>
              <NavLink to="/workshops">Workshops</NavLink>
            </li>
          ) : null}
          <li>
            <NavLink to="/join">Join a workshop</NavLink>
          </li>
          {user?.canSeeCaseProblems ? (
            <li>
              <NavLink to="/admin/case-problems">Case file problems</NavLink>
            </li>
          ) : null}
          {user?.canManageUsers ? (
            <li>
              <NavLink to="/admin">Admin</NavLink>
            </li>
          ) : null}
          {user ? (
            <>
              <li>
                <NavLink to="/me">
                  <bdi>{user.displayName}</bdi>
                  {user.unreadReplies > 0 ? (
                    <span className="unread">
                      {user.unreadReplies}
                      <span className="visually-hidden"> unread {user.unreadReplies === 1 ? "reply" : "replies"}</span>
                    </span>
                  ) : null}
                  {user.newlyPersuaded > 0 ? (
                    <span className="unread persuaded" data-testid="newly-persuaded">
                      +{user.newlyPersuaded}
                      <span className="visually-hidden"> {user.newlyPersuaded === 1 ? "person" : "people"} newly changed their mind by your arguments</span>
                    </span>
                  ) : null}
                </NavLink>
              </li>
              <li>
                <Form method="post" action="/logout">
                  <button type="submit" className="link-button">
                    Log out
                  </button>
                </Form>
              </li>
            </>
          ) : (
            <>
              <li>
                <NavLink to="/login">Log in</NavLink>
              </li>
              <li>
                <NavLink to="/signup">Sign up</NavLink>
              </li>
            </>
          )}
        </ul>
      </nav>
    </header>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  // A route can opt out of the site's header and footer (the projector, phones) and style its main.
  const handles = useMatches().map((match) => match.handle as { chrome?: boolean; mainClass?: string } | undefined);
  const chrome = !handles.some((handle) => handle?.chrome === false);
  const mainClass = handles.find((handle) => handle?.mainClass)?.mainClass;
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {chrome ? <SiteHeader /> : null}
        <main id="main" tabIndex={-1} className={mainClass}>
          {children}
        </main>
        {chrome ? (
          <footer className="site-footer">
            <p>
              Casebook: workplace ethics, argued from both sides. · <Link to="/privacy">Privacy</Link>
            </p>
          </footer>
        ) : null}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    const title = error.status === 404 ? "Page not found" : error.status === 403 ? "Not allowed" : error.status === 429 ? "Too many attempts" : `Something went wrong (${error.status})`;
    const message =
      typeof error.data === "string" && error.data ? error.data : error.status === 404 ? "There is no page at this address. It may have moved, or the link may be mistyped." : error.statusText;
    return (
      <section className="error-page">
        <h1>{title}</h1>
        <p>{message}</p>
        <p>
          <Link to="/">Back to the case library</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="error-page">
      <h1>Something went wrong</h1>
      <p>Sorry, Casebook hit an unexpected problem. Nothing you saved has been lost; please try again.</p>
      <p>
        <Link to="/">Back to the case library</Link>
      </p>
    </section>
  );
}
