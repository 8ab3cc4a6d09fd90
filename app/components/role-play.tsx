import { useEffect, useRef, useState } from "react";
import { countdownText, secondsLeft, timeLeftText, utcClock, type StepTimer } from "~/domain/step-timer";

/** A role and its brief, already rendered by the sanitizing Markdown renderer. */
export interface RoleCardData {
  key: string;
  name: string;
  html: string;
}

/** A phone's role card (ADR 028): the role it plays and that role's brief, nothing of the other roles. */
export function RoleCard({ card }: { card: RoleCardData }) {
  return (
    <section className="role-card" aria-labelledby="role-card-heading" data-testid="role-card" data-role={card.key}>
      <h2 id="role-card-heading">Your role: {card.name}</h2>
      <p className="muted">Play this side. What follows is for your role only: the other side has a brief of its own.</p>
      <div dir="auto" dangerouslySetInnerHTML={{ __html: card.html }} />
    </section>
  );
}

/**
 * The step timer, on the projector, the phones and the control panel (ADR 028). Rendered on the
 * server from the loader's clock ("About 5 minutes left (until 11:05 UTC)"), so a page without
 * JavaScript says how long is left when it is loaded; with JavaScript it counts down each second
 * from the device's clock, corrected by how far it is from the server's. The countdown is not a
 * live region (a screen reader is not told every second); one hidden status line says when a
 * timer starts, stops and runs out.
 *
 * @param now the server's clock when the page's data was loaded (ms since the epoch)
 */
export function StepTimerView({ timer, now, large = false }: { timer: StepTimer | null; now: number; large?: boolean }) {
  // Until mounted, the server's text: the first render in the browser is the same as the server's.
  const [clock, setClock] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const skew = useRef<number | null>(null);
  const previous = useRef<StepTimer | null>(timer);

  useEffect(() => {
    skew.current ??= now - Date.now();
  }, [now]);

  useEffect(() => {
    if (!timer) return;
    const tick = () => setClock(Date.now() + (skew.current ?? 0));
    tick();
    const interval = setInterval(tick, 1000);
    return () => clearInterval(interval);
  }, [timer]);

  // Announced once each: a new timer, a stopped one, and the moment it runs out.
  useEffect(() => {
    const before = previous.current;
    previous.current = timer;
    if (timer && timer.endsAt !== before?.endsAt) setAnnouncement(`Timer started: ${timer.minutes} ${timer.minutes === 1 ? "minute" : "minutes"}.`);
    else if (!timer && before) setAnnouncement("Timer stopped.");
  }, [timer]);
  const left = timer && clock !== null ? secondsLeft(timer.endsAt, clock) : null;
  const up = left === 0;
  useEffect(() => {
    if (up) setAnnouncement("Time is up.");
  }, [up]);

  return (
    <div className={large ? "step-timer step-timer-large" : "step-timer"} data-testid="step-timer">
      {timer ? (
        left === null ? (
          <p>
            <span data-testid="step-timer-text">{timeLeftText(timer.endsAt, now)}</span>{" "}
            <span className="muted">
              (until <time dateTime={timer.endsAt}>{utcClock(timer.endsAt)} UTC</time>)
            </span>
          </p>
        ) : (
          <p>
            <span className="step-timer-clock" data-testid="step-timer-clock">
              {up ? "Time is up" : countdownText(left)}
            </span>
            {!up ? (
              <span className="muted">
                {" "}
                left, until <time dateTime={timer.endsAt}>{new Date(timer.endsAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}</time>
              </span>
            ) : null}
          </p>
        )
      ) : null}
      <p role="status" className="visually-hidden">
        {announcement}
      </p>
    </div>
  );
}
