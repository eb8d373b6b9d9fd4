// Product file upload (商品マスタ取込 from a channel's file, e.g. RMS's item CSV in Shift_JIS).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { uploadProductFile } from "../../operations/product-upload.ts";
import { bearerSecurity, idSchema, paramsWith } from "../schemas.ts";

const fileTypes = ["text/csv", "application/octet-stream", "application/vnd.ms-excel"];

export const productUploadRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.addContentTypeParser(
    fileTypes,
    { parseAs: "buffer", bodyLimit: 50 * 1024 * 1024 },
    (_request, body, done) => done(null, body),
  );

  app.post(
    "/stores/:storeId/products/upload",
    {
      schema: {
        tags: ["sync"],
        security: bearerSecurity,
        summary:
          "Upload the channel's product file (Rakuten: the RMS item.csv or select.csv, Shift_JIS as downloaded); the store's products.import imports it",
        params: paramsWith({ storeId: idSchema }),
        querystring: z.object({ fileName: z.string().default("upload.csv") }),
      },
    },
    async (request, reply) => {
      const result = await uploadProductFile(db, {
        organizationId: request.organizationId,
        storeId: request.params.storeId,
        fileName: request.query.fileName,
        file: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        actor: request.actor,
      });
      return reply.status(202).send(result);
    },
  );
};
