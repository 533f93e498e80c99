/** The one source of "now". Production uses the system clock; tests move a manual one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: lets tests cross timeouts without sleeping. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-01-05T02:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }

  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }

  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
}
