/**
 * The live stream's endpoint (`GET /workshops/:id/events`) served on its own by a real HTTP
 * server, as server.ts mounts it ahead of Remix, and a reader for its streams, for the
 * integration tests. Call after startApp (the endpoint's modules read the app's database).
 */
import express from "express";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { EventStreamReader, type StreamEvent } from "./sse";

export interface OpenedStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** A refusal's whole body; empty for a stream. */
  body: string;
  /** The events read so far, in order. */
  events: StreamEvent[];
  /** Every byte read so far, as text (retry, heartbeats and all). */
  text(): string;
  isClosed(): boolean;
  /** Waits until the server ended the stream, or fails after `ms`. */
  ended(ms?: number): Promise<void>;
  /** The client goes away. */
  hangUp(): void;
}

export interface WorkshopEventsServer {
  port: number;
  /** Opens `path` with `cookie` (and any other headers) and resolves once the answer's headers (and a refusal's body) arrived. */
  open(path: string, cookie?: string, headers?: Record<string, string>): Promise<OpenedStream>;
  close(): Promise<void>;
}

export async function serveWorkshopEvents(): Promise<WorkshopEventsServer> {
  const { workshopEventsEndpoint } = await import("../../app/workshops/workshop-events-endpoint.server");
  const web = express();
  web.use(workshopEventsEndpoint());
  web.use((_req, res) => void res.status(418).send("not the endpoint"));
  const server = await new Promise<http.Server>((ready) => {
    const listening = web.listen(0, "127.0.0.1", () => ready(listening));
  });
  const port = (server.address() as AddressInfo).port;
  const requests = new Set<http.ClientRequest>();

  const open = (path: string, cookie = "", headers: Record<string, string> = {}) =>
    new Promise<OpenedStream>((resolve, reject) => {
      const req = http.get({ host: "127.0.0.1", port, path, headers: { Accept: "text/event-stream", ...(cookie ? { Cookie: cookie } : {}), ...headers } }, (res) => {
        const reader = new EventStreamReader();
        const decoder = new TextDecoder();
        const events: OpenedStream["events"] = [];
        let text = "";
        let closed = false;
        const whenClosed = new Promise<void>((done) =>
          res.on("close", () => {
            closed = true;
            requests.delete(req);
            done();
          }),
        );
        res.on("error", () => {});
        const stream: OpenedStream = {
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: "",
          events,
          text: () => text,
          isClosed: () => closed,
          async ended(ms = 3000) {
            let timer: ReturnType<typeof setTimeout> | undefined;
            await Promise.race([whenClosed, new Promise((_, fail) => (timer = setTimeout(() => fail(new Error("the stream is still open")), ms)))]).finally(() => clearTimeout(timer));
          },
          hangUp: () => req.destroy(),
        };
        if (res.statusCode !== 200) {
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (stream.body += chunk));
          void whenClosed.then(() => resolve(stream));
          return;
        }
        res.on("data", (chunk: Buffer) => {
          text += decoder.decode(chunk, { stream: true });
          events.push(...reader.push(chunk));
        });
        resolve(stream);
      });
      requests.add(req);
      req.on("error", (error) => (requests.has(req) ? reject(error) : undefined));
    });

  return {
    port,
    open,
    async close() {
      for (const req of requests) req.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
