// A local fake of Adyen's Checkout API v71 (paymentMethods, paymentLinks, refunds) and the
// Disputes API v30, speaking Adyen's wire format, plus `signAdyenItem` to sign webhook items.
import { createHmac, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenLocal, readText, sendJson } from "./http-server";

type Json = Record<string, unknown>;

export interface AdyenItemToSign {
  pspReference: string;
  originalReference?: string;
  merchantAccountCode: string;
  merchantReference?: string;
  amount?: { value: number; currency: string };
  eventCode: string;
  success: "true" | "false";
}

/**
 * Adyen's standard-webhook HMAC, written independently of the connector: the eight fields
 * joined raw by ":" (no escaping), HMAC-SHA256 with the hex-decoded key, base64.
 */
export function signAdyenItem(item: AdyenItemToSign, hmacKeyHex: string): string {
  const fields = [
    item.pspReference,
    item.originalReference ?? "",
    item.merchantAccountCode,
    item.merchantReference ?? "",
    item.amount === undefined ? "" : String(item.amount.value),
    item.amount?.currency ?? "",
    item.eventCode,
    item.success,
  ];
  return createHmac("sha256", Buffer.from(hmacKeyHex, "hex"))
    .update(fields.join(":"))
    .digest("base64");
}

/** A full NotificationRequestItem, signed, with Adyen's usual extra fields. */
export function adyenNotificationItem(
  item: AdyenItemToSign & {
    reason?: string;
    paymentMethod?: string;
    eventDate?: string;
    additionalData?: Record<string, string>;
  },
  hmacKeyHex: string,
) {
  return {
    NotificationRequestItem: {
      eventDate: "2026-03-01T10:00:00+01:00",
      reason: "",
      ...item,
      additionalData: { ...item.additionalData, hmacSignature: signAdyenItem(item, hmacKeyHex) },
    },
  };
}

export interface FakeAdyenOptions {
  apiKey?: string;
  merchantAccount?: string;
}

interface FakeDispute {
  reasons: {
    defenseReasonCode: string;
    defenseDocumentTypes: {
      defenseDocumentTypeCode: string;
      requirementLevel: string;
      available: boolean;
    }[];
    satisfied: boolean;
  }[];
  documents: { content: string; contentType: string; defenseDocumentTypeCode: string }[];
  defendedWith?: string;
  accepted: boolean;
}

const DOCUMENT_TYPES = new Set(["application/pdf", "image/jpeg", "image/tiff"]);

function adyenError(
  res: ServerResponse,
  status: number,
  errorCode: string,
  message: string,
  errorType: string,
): void {
  sendJson(res, status, {
    status,
    errorCode,
    message,
    errorType,
    pspReference: randomBytes(8).toString("hex").toUpperCase(),
  });
}

function pspReference(): string {
  return randomBytes(8).toString("hex").toUpperCase();
}

export async function startFakeAdyen(options: FakeAdyenOptions = {}) {
  const apiKey = options.apiKey ?? "AQE-fake-api-key";
  const merchantAccount = options.merchantAccount ?? "ParleyTestECOM";

  const state = {
    links: new Map<string, Json>(),
    linksCreated: 0,
    linkRequests: [] as Json[],
    idempotent: new Map<string, { status: number; body: unknown }>(),
    payments: new Map<string, { amount: { value: number; currency: string } }>(),
    refunds: [] as Json[],
    disputes: new Map<string, FakeDispute>(),
    disputeCalls: [] as string[],
  };

  function replayKey(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ): string | undefined /* or "replayed" */ {
    const key = req.headers["idempotency-key"];
    if (typeof key !== "string") return undefined;
    const seen = state.idempotent.get(`${path}|${key}`);
    if (seen) {
      sendJson(res, seen.status, seen.body);
      return "replayed";
    }
    return `${path}|${key}`;
  }

  function remember(key: string | undefined, status: number, body: unknown): void {
    if (key && key !== "replayed") state.idempotent.set(key, { status, body });
  }

  function disputeResult(
    res: ServerResponse,
    success: boolean,
    errorMessage?: string,
    extra: Json = {},
  ): void {
    sendJson(res, 200, {
      ...extra,
      disputeServiceResult: success ? { success } : { success, errorMessage },
    });
  }

  async function handleDisputes(res: ServerResponse, operation: string, body: Json): Promise<void> {
    state.disputeCalls.push(operation);
    if (body.merchantAccountCode !== merchantAccount)
      return disputeResult(res, false, "Invalid merchant account code");
    const dispute = state.disputes.get(String(body.disputePspReference));
    if (!dispute)
      return disputeResult(
        res,
        false,
        "Could not find dispute with provided dispute psp reference",
      );
    if (dispute.accepted) return disputeResult(res, false, "Dispute is already accepted");

    if (operation === "retrieveApplicableDefenseReasons")
      return disputeResult(res, true, undefined, { defenseReasons: dispute.reasons });
    if (operation === "acceptDispute") {
      dispute.accepted = true;
      return disputeResult(res, true);
    }
    if (operation === "supplyDefenseDocument") {
      const documents = (body.defenseDocuments as FakeDispute["documents"] | undefined) ?? [];
      const knownTypes = new Set(
        dispute.reasons.flatMap((r) =>
          r.defenseDocumentTypes.map((t) => t.defenseDocumentTypeCode),
        ),
      );
      for (const doc of documents) {
        if (!DOCUMENT_TYPES.has(doc.contentType))
          return disputeResult(res, false, `Invalid content type ${doc.contentType}`);
        if (!knownTypes.has(doc.defenseDocumentTypeCode))
          return disputeResult(res, false, "Invalid defense document type code");
        const bytes = Buffer.from(doc.content, "base64");
        if (
          doc.contentType === "application/pdf" &&
          bytes.subarray(0, 5).toString("latin1") !== "%PDF-"
        ) {
          return disputeResult(res, false, "Document content is not a valid PDF");
        }
      }
      if (documents.length === 0) return disputeResult(res, false, "No defense documents supplied");
      dispute.documents.push(...documents);
      return disputeResult(res, true);
    }
    if (operation === "defendDispute") {
      const reason = dispute.reasons.find((r) => r.defenseReasonCode === body.defenseReasonCode);
      if (!reason) return disputeResult(res, false, "Invalid defense reason code");
      if (dispute.documents.length === 0)
        return disputeResult(res, false, "Required defense documents are missing");
      dispute.defendedWith = reason.defenseReasonCode;
      return disputeResult(res, true);
    }
    adyenError(res, 404, "000", "Not found", "validation");
  }

  async function handle(req: IncomingMessage, res: ServerResponse, baseUrl: string): Promise<void> {
    const path = new URL(req.url ?? "/", baseUrl).pathname;
    const raw = await readText(req);
    if (req.headers["x-api-key"] !== apiKey) {
      return sendJson(res, 401, {
        status: 401,
        errorCode: "000",
        message: "HTTP Status Response - Unauthorized",
        errorType: "security",
      });
    }
    let body: Json = {};
    try {
      body = raw ? (JSON.parse(raw) as Json) : {};
    } catch {
      return adyenError(res, 400, "702", "Structure of request is invalid", "validation");
    }

    const disputeMatch = /^\/ca\/services\/DisputeService\/v30\/(\w+)$/.exec(path);
    if (req.method === "POST" && disputeMatch) return handleDisputes(res, disputeMatch[1], body);

    if (
      req.method === "POST" &&
      (path === "/v71/paymentMethods" || path === "/v71/paymentLinks") &&
      body.merchantAccount !== merchantAccount
    ) {
      return adyenError(res, 403, "901", "Invalid Merchant Account", "security");
    }

    if (req.method === "POST" && path === "/v71/paymentMethods") {
      return sendJson(res, 200, {
        paymentMethods: [
          { name: "Cards", type: "scheme", brands: ["visa", "mc", "amex"] },
          { name: "iDEAL", type: "ideal" },
          { name: "WeChat Pay", type: "wechatpayQR" },
        ],
      });
    }

    if (req.method === "POST" && path === "/v71/paymentLinks") {
      const key = replayKey(req, res, path);
      if (key === "replayed") return;
      const amount = body.amount as { value?: unknown; currency?: unknown } | undefined;
      if (!amount || !Number.isInteger(amount.value) || typeof amount.currency !== "string") {
        return adyenError(
          res,
          422,
          "100",
          "Required field 'amount' is not provided or invalid.",
          "validation",
        );
      }
      if (typeof body.reference !== "string" || !body.reference) {
        return adyenError(res, 422, "130", "Required field 'reference' is missing", "validation");
      }
      state.linkRequests.push(body);
      const id = `PL${randomBytes(8).toString("hex").toUpperCase()}`;
      const link = {
        ...body,
        id,
        url: `${baseUrl}/payment-link/${id}`,
        status: "active",
        expiresAt:
          (body.expiresAt as string | undefined) ??
          new Date(Date.now() + 24 * 3600 * 1000).toISOString(),
      };
      state.links.set(id, link);
      state.linksCreated += 1;
      remember(key, 201, link);
      return sendJson(res, 201, link);
    }

    const linkMatch = /^\/v71\/paymentLinks\/([^/]+)$/.exec(path);
    if (req.method === "GET" && linkMatch) {
      const link = state.links.get(decodeURIComponent(linkMatch[1]));
      if (!link) return adyenError(res, 404, "000", "Payment link not found", "validation");
      return sendJson(res, 200, link);
    }

    const refundMatch = /^\/v71\/payments\/([^/]+)\/refunds$/.exec(path);
    if (req.method === "POST" && refundMatch) {
      const paymentPspReference = decodeURIComponent(refundMatch[1]);
      if (body.merchantAccount !== merchantAccount)
        return adyenError(res, 403, "901", "Invalid Merchant Account", "security");
      const key = replayKey(req, res, path);
      if (key === "replayed") return;
      if (!state.payments.has(paymentPspReference)) {
        return adyenError(
          res,
          422,
          "167",
          "Original pspReference required for this operation",
          "validation",
        );
      }
      const refund = {
        merchantAccount,
        paymentPspReference,
        pspReference: pspReference(),
        reference: body.reference,
        status: "received",
        amount: body.amount,
      };
      state.refunds.push(refund);
      remember(key, 201, refund);
      return sendJson(res, 201, refund);
    }

    adyenError(res, 404, "000", "Not found", "validation");
  }

  const server = await listenLocal(
    (req, res) => handle(req, res, server.url),
    (res, error) => adyenError(res, 500, "905", `Internal error: ${String(error)}`, "internal"),
  );

  return {
    url: server.url,
    apiKey,
    merchantAccount,
    state,
    close: server.close,
    setLinkStatus(
      id: string,
      status: "active" | "paymentPending" | "completed" | "paid" | "expired",
    ): void {
      const link = state.links.get(id);
      if (!link) throw new Error(`No fake payment link ${id}`);
      link.status = status;
    },
    /** An authorised payment Adyen knows, so it can be refunded. */
    addPayment(amount: { value: number; currency: string }): string {
      const psp = pspReference();
      state.payments.set(psp, { amount });
      return psp;
    },
    addDispute(disputePspReference: string, reasons?: FakeDispute["reasons"]): FakeDispute {
      const dispute: FakeDispute = {
        reasons: reasons ?? [
          {
            defenseReasonCode: "GoodsOrServicesProvided",
            satisfied: false,
            defenseDocumentTypes: [
              {
                defenseDocumentTypeCode: "DefenseMaterial",
                requirementLevel: "Optional",
                available: false,
              },
              {
                defenseDocumentTypeCode: "GoodsOrServicesProvided",
                requirementLevel: "Required",
                available: false,
              },
            ],
          },
        ],
        documents: [],
        accepted: false,
      };
      state.disputes.set(disputePspReference, dispute);
      return dispute;
    },
  };
}

export type FakeAdyen = Awaited<ReturnType<typeof startFakeAdyen>>;
