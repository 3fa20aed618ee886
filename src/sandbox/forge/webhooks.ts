// Outgoing webhooks: queued like GitHub's, signed like GitHub's, sent only when the harness says so.
import { createHmac, randomUUID } from "node:crypto";

export type DeliveryOrder = "queued" | "reverse" | "shuffle";

export interface QueuedDelivery {
  /** `X-GitHub-Delivery`: a uuid; a duplicated delivery reuses it, as GitHub's redeliveries do. */
  readonly id: string;
  readonly event: string;
  readonly action: string | undefined;
  readonly payload: Readonly<Record<string, unknown>>;
  /** The exact bytes sent (and signed). */
  readonly body: string;
}

export interface DeliveryRecord extends QueuedDelivery {
  /** The receiver's HTTP status, or null when the request failed (`error` says why). */
  readonly status: number | null;
  readonly error?: string;
  readonly attempt: number;
}

export interface DeliverOptions {
  /** `queued` (default) sends oldest first; `reverse` newest first; `shuffle` uses `random`. */
  readonly order?: DeliveryOrder;
  /** Sends a delivery twice in a row with the same delivery id when true (or when the predicate says so). */
  readonly duplicate?: boolean | ((delivery: QueuedDelivery) => boolean);
  /** Random source for `shuffle` (defaults to a seeded generator, so runs repeat). */
  readonly random?: () => number;
}

export interface WebhookQueue {
  enqueue(event: string, payload: Readonly<Record<string, unknown>>): QueuedDelivery;
  pending(): readonly QueuedDelivery[];
  /** Sends every queued delivery, one at a time, awaiting each response; returns what was sent. */
  deliver(options?: DeliverOptions): Promise<DeliveryRecord[]>;
  /** Drops every queued delivery unsent (GitHub's outage: those events never arrive); returns them. */
  discardPending(): QueuedDelivery[];
  /** Sends an already delivered delivery again, same id and body (GitHub's "Redeliver"). */
  redeliver(id: string): Promise<DeliveryRecord>;
  readonly log: readonly DeliveryRecord[];
  setUrl(url: string): void;
}

export interface WebhookTarget {
  readonly url?: string;
  readonly secret: string;
  readonly appId: number;
  readonly hookId: number;
}

/** `sha256=<hex hmac>` of the exact body, as in `X-Hub-Signature-256`. */
export function signWebhookBody(secret: string, body: string, algorithm: "sha256" | "sha1" = "sha256"): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(body).digest("hex")}`;
}

export function createWebhookQueue(target: WebhookTarget): WebhookQueue {
  let url = target.url;
  let queue: QueuedDelivery[] = [];
  const log: DeliveryRecord[] = [];

  /** Sends `delivery` (a queued one, or a logged record being redelivered: only its queued fields are reused). */
  async function send({ id, event, action, payload, body }: QueuedDelivery): Promise<DeliveryRecord> {
    const delivery: QueuedDelivery = { id, event, action, payload, body };
    if (!url)
      throw new Error("forge: no webhook URL configured; pass webhookUrl or call setWebhookUrl() before deliver()");
    const attempt = log.filter((record) => record.id === delivery.id).length + 1;
    const headers = {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/forge",
      "x-github-event": delivery.event,
      "x-github-delivery": delivery.id,
      "x-github-hook-id": String(target.hookId),
      "x-github-hook-installation-target-type": "integration",
      "x-github-hook-installation-target-id": String(target.appId),
      "x-hub-signature": signWebhookBody(target.secret, delivery.body, "sha1"),
      "x-hub-signature-256": signWebhookBody(target.secret, delivery.body),
    };
    let record: DeliveryRecord;
    try {
      const response = await fetch(url, { method: "POST", headers, body: delivery.body });
      await response.arrayBuffer();
      record = { ...delivery, status: response.status, attempt };
    } catch (error) {
      record = { ...delivery, status: null, error: String((error as Error).cause ?? error), attempt };
    }
    log.push(record);
    return record;
  }

  return {
    enqueue(event, payload) {
      const action = typeof payload.action === "string" ? payload.action : undefined;
      const delivery = { id: randomUUID(), event, action, payload, body: JSON.stringify(payload) };
      queue.push(delivery);
      return delivery;
    },
    pending: () => [...queue],
    discardPending() {
      const dropped = queue;
      queue = [];
      return dropped;
    },
    async deliver(options = {}) {
      const batch = orderDeliveries(queue, options.order ?? "queued", options.random ?? createSeededRandom(1));
      queue = [];
      const sent: DeliveryRecord[] = [];
      for (const delivery of batch) {
        sent.push(await send(delivery));
        const again =
          typeof options.duplicate === "function" ? options.duplicate(delivery) : options.duplicate === true;
        if (again) sent.push(await send(delivery));
      }
      return sent;
    },
    async redeliver(id) {
      const original = log.find((record) => record.id === id);
      if (!original) throw new Error(`forge: no delivery ${id} to redeliver`);
      return send(original);
    },
    log,
    setUrl(next) {
      url = next;
    },
  };
}

function orderDeliveries(
  queue: readonly QueuedDelivery[],
  order: DeliveryOrder,
  random: () => number,
): QueuedDelivery[] {
  const batch = [...queue];
  if (order === "reverse") return batch.reverse();
  if (order === "shuffle") {
    for (let i = batch.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [batch[i], batch[j]] = [batch[j]!, batch[i]!];
    }
  }
  return batch;
}

/** mulberry32: a tiny deterministic generator for repeatable shuffles. */
function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
