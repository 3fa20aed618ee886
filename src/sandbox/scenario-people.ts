// The fixed identities of sandbox and fixture commits and tags (non-ASCII names on purpose: shortlogs must carry them
// intact).
import type { Person } from "./scenario-time.ts";

export const LINUS: Person = { name: "Linus Torvalds", email: "torvalds@linux-foundation.org" };
export const PAUL: Person = { name: "Paul Moore", email: "paul@paul-moore.com" };
export const ONDREJ: Person = { name: "Ondrej Mosnáček", email: "omosnace@redhat.com" };
export const MICKAEL: Person = { name: "Mickaël Salaün", email: "mic@digikod.net" };
export const CHRISTIAN: Person = { name: "Christian Göttsche", email: "cgzones@googlemail.com" };
export const STEPHEN: Person = { name: "Stephen Smalley", email: "stephen.smalley.work@gmail.com" };
/** Lower-case on purpose: shortlog sorts it after every capitalised name (email 07). */
export const BAUEN1: Person = { name: "bauen1", email: "j2468h@gmail.com" };
/** Default patch authors of a subsystem branch, in rotation. */
export const SUBSYSTEM_AUTHORS: readonly Person[] = [PAUL, ONDREJ, MICKAEL, CHRISTIAN, STEPHEN, BAUEN1];

/** Authors of upstream filler commits, in rotation. */
export const UPSTREAM_AUTHORS: readonly Person[] = [
  { name: "Greg Kroah-Hartman", email: "gregkh@linuxfoundation.org" },
  { name: "Jakub Kicinski", email: "kuba@kernel.org" },
  { name: "Christian Brauner", email: "brauner@kernel.org" },
  { name: "Takashi Iwai", email: "tiwai@suse.de" },
  { name: "Jiří Slabý", email: "jirislaby@kernel.org" },
];
