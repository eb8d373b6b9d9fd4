// Importing named orders from a store's channel by hand (受注の手動取込), beyond the scheduled window.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Db } from "../../db/connection.ts";
import { invalid } from "../../domain/errors.ts";
import type { SecretBox } from "../../lib/secrets.ts";
import { importByCodeInput, importOrdersByCode } from "../../operations/import-orders-by-code.ts";
import {
  importOrdersFromFile,
  maxOrderCodesPerFile,
  orderCodeHeaders,
} from "../../operations/import-orders-from-file.ts";
import { bearerSecurity, idSchema, paramsWith } from "../schemas.ts";
import { csvFile, csvLimit } from "./correspondences.ts";
import { encodingQuery, uploadEncoding } from "./shipments.ts";

export const orderImportRoutes: FastifyPluginAsyncZod<{ db: Db; secretBox?: SecretBox }> = async (
  app,
  { db, secretBox },
) => {
  const openSecrets = () => {
    if (!secretBox)
      throw invalid("credentials_unavailable", "this process has no secret key to open credentials");
    return secretBox;
  };

  app.addContentTypeParser(
    ["text/csv", "application/octet-stream"],
    { parseAs: "buffer", bodyLimit: csvLimit },
    (_request, body, done) => done(null, body),
  );

  app.post(
    "/stores/:storeId/orders/import-by-code",
    {
      schema: {
        tags: ["sync"],
        security: bearerSecurity,
        summary:
          "Import orders by their order codes from the store's channel, whatever their age (e.g. MakeShop orders older than 3 days)",
        params: paramsWith({ storeId: idSchema }),
        body: importByCodeInput,
      },
    },
    async (request) => {
      return {
        data: await importOrdersByCode(
          db,
          openSecrets(),
          request.organizationId,
          request.params.storeId,
          request.body,
          request.actor,
        ),
      };
    },
  );

  app.post(
    "/stores/:storeId/orders/import-file",
    {
      bodyLimit: csvLimit,
      schema: {
        tags: ["sync"],
        security: bearerSecurity,
        summary:
          "Import the orders a file names (the channel's order export, or a list of order codes) from the store's channel",
        description:
          "Send the file as the raw body (text/csv or application/octet-stream), UTF-8 or Shift_JIS. Only the " +
          `order-code column is read (header ${orderCodeHeaders.join(", ")}; a one-column file without such a ` +
          `header is a list of codes); up to ${maxOrderCodesPerFile} codes. Each order is then fetched from the ` +
          "channel by its code and registered as the scheduled import would; the answer counts the outcomes and " +
          "lists them per code.",
        consumes: ["text/csv", "application/octet-stream"],
        params: paramsWith({ storeId: idSchema }),
        querystring: encodingQuery,
        body: csvFile,
      },
    },
    async (request) => {
      const encoding = uploadEncoding(request.query.encoding, request.headers["content-type"]);
      return importOrdersFromFile(
        db,
        openSecrets(),
        request.organizationId,
        request.params.storeId,
        { bytes: request.body, encoding },
        request.actor,
      );
    },
  );
};
