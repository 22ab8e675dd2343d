"use server";

/** Webhook endpoints (admins): register, edit, rotate the secret, enable/disable, delete, test, redeliver. */
import { overlapMs } from "@/lib/schemas/tokens";
import {
  endpointRef,
  redeliverInput,
  rotateWebhookSecretInput,
  setEndpointEnabledInput,
  webhookEndpointInput,
  webhookEndpointUpdate,
} from "@/lib/schemas/webhooks";
import {
  createEndpoint,
  deleteEndpoint,
  redeliver,
  rotateEndpointSecret,
  sendTestEvent,
  setEndpointEnabled,
  updateEndpoint,
} from "@/lib/webhooks/service";
import { orgAction } from "./frame";

export const createWebhookEndpointAction = orgAction("org:manage", webhookEndpointInput, (input, c) => createEndpoint(c.db, c.meta, input));

export const updateWebhookEndpointAction = orgAction(
  "org:manage",
  webhookEndpointUpdate,
  ({ id, ...input }, c) => updateEndpoint(c.db, c.meta, id, input),
  "Endpoint saved.",
);

export const rotateWebhookSecretAction = orgAction("org:manage", rotateWebhookSecretInput, ({ id, overlap }, c) =>
  rotateEndpointSecret(c.db, c.meta, id, overlapMs(overlap)),
);

export const setWebhookEndpointEnabledAction = orgAction("org:manage", setEndpointEnabledInput, ({ id, enabled }, c) => setEndpointEnabled(c.db, c.meta, id, enabled));

export const deleteWebhookEndpointAction = orgAction("org:manage", endpointRef, ({ id }, c) => deleteEndpoint(c.db, c.meta, id));

export const sendWebhookTestAction = orgAction("org:manage", endpointRef, ({ id }, c) => sendTestEvent(c.db, c.meta, id), "Test event queued.");

export const redeliverWebhookAction = orgAction("org:manage", redeliverInput, ({ id, deliveryId }, c) => redeliver(c.db, c.meta, id, deliveryId), "Redelivery queued.");
