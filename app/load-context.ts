import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Set by server.ts; absent when a loader or action is called directly (tests). */
    clientIp?: string;
  }
}

export {};
