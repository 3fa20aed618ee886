// Dates and identities as git records them: `epoch ±hhmm` instants, `%ci` strings, names with e-mails.

export interface Person {
  readonly name: string;
  readonly email: string;
}

/** An instant plus the UTC offset it was recorded in (`-0700`), as git stores author/committer/tagger dates. */
export interface GitTime {
  readonly epoch: number;
  readonly tz: string;
}

/** `2024-01-21 14:11:32 -0800` (git's `%ci`), an ISO instant, a Date (recorded as +0000) or a GitTime. */
export type GitDateInput = string | Date | GitTime;

const CI_DATE = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d) ?([+-])(\d\d):?(\d\d)$/;

/** Reads a date for git; throws on anything it cannot read exactly. */
export function parseGitTime(input: GitDateInput): GitTime {
  if (input instanceof Date) return { epoch: Math.floor(input.getTime() / 1000), tz: "+0000" };
  if (typeof input !== "string") return input;
  const match = CI_DATE.exec(input);
  if (match) {
    const [, y, mo, d, h, mi, s, sign, oh, om] = match;
    const offset = (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om));
    const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
    return { epoch: utc - offset * 60, tz: `${sign}${oh}${om}` };
  }
  const ms = Date.parse(input);
  if (Number.isNaN(ms) || !/Z$/.test(input))
    throw new Error(`date ${JSON.stringify(input)}: use "YYYY-MM-DD HH:MM:SS ±hhmm" or an ISO instant ending in Z`);
  return { epoch: Math.floor(ms / 1000), tz: "+0000" };
}

/** The date as git's `%ci` prints it: `2024-01-21 14:11:32 -0800`. */
export function formatGitTime(time: GitTime): string {
  const sign = time.tz.startsWith("-") ? -1 : 1;
  const offset = sign * (Number(time.tz.slice(1, 3)) * 60 + Number(time.tz.slice(3, 5)));
  const local = new Date((time.epoch + offset * 60) * 1000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)} ${time.tz}`;
}

/** Adds seconds, keeping the offset. */
export function addSeconds(time: GitTime, seconds: number): GitTime {
  return { epoch: time.epoch + seconds, tz: time.tz };
}
