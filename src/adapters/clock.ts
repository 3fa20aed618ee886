// The one place time comes from: the system clock in production, a settable clock in replays and tests.

export interface Clock {
  now(): Date;
}

export function createSystemClock(): Clock {
  return { now: () => new Date() };
}

/** A clock that only moves when told: nine weeks of a kernel cycle replay in seconds. */
export interface ManualClock extends Clock {
  set(instant: Date | string): void;
}

export function createManualClock(start: Date | string): ManualClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set(instant) {
      const next = new Date(instant);
      if (Number.isNaN(next.getTime())) throw new Error(`clock: ${String(instant)} is not a time`);
      current = next;
    },
  };
}
