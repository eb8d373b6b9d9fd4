// The mail listener: an SMTP server (smtp-server) that accepts mail only for known inbox addresses, with
// optional SMTP AUTH and an allow-list of sender hosts, and hands each message to the intake. Refusals happen
// at the SMTP level (the sending server bounces or retries), never by silently dropping a message.
import { timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import type { Db } from "../db/connection.ts";
import { findInbox, receiveMail } from "./intake.ts";

export interface MailListenerOptions {
  db: Db;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** When set, every session must log in (AUTH PLAIN / LOGIN) with these. */
  auth?: { user: string; password: string };
  /** Remote IP addresses allowed to connect; empty or absent: any. */
  allowedHosts?: string[];
  /** Largest message accepted, in bytes. */
  maxBytes?: number;
  /** STARTTLS with this key and certificate (PEM); without them the listener speaks plain SMTP. */
  tls?: { key: Buffer; cert: Buffer };
  log: Logger;
}

export interface MailListener {
  port: number;
  close(): Promise<void>;
}

const smtpError = (responseCode: number, message: string) =>
  Object.assign(new Error(message), { responseCode });

export async function startMailListener(options: MailListenerOptions): Promise<MailListener> {
  const { db, log } = options;
  const allowed = new Set((options.allowedHosts ?? []).map(plainAddress));
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;

  const serverOptions: SMTPServerOptions = {
    name: "kura",
    banner: "Kura order mail intake",
    size: maxBytes,
    disableReverseLookup: true,
    // On stop, connections still open after this are closed (a message being stored takes milliseconds).
    closeTimeout: 2_000,
    logger: false,
    authOptional: !options.auth,
    authMethods: ["PLAIN", "LOGIN"],
    // AUTH without TLS is allowed on purpose: the default listens on loopback only.
    allowInsecureAuth: true,
    disabledCommands: [...(options.auth ? [] : ["AUTH"]), ...(options.tls ? [] : ["STARTTLS"])],
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),

    onConnect(session, callback) {
      if (allowed.size > 0 && !allowed.has(plainAddress(session.remoteAddress))) {
        log.warn({ remoteAddress: session.remoteAddress }, "mail from a host not on the allow-list refused");
        return callback(smtpError(554, `host ${session.remoteAddress} may not send mail here`));
      }
      callback();
    },

    onAuth(auth, _session, callback) {
      const expected = options.auth;
      const ok =
        expected !== undefined &&
        sameText(auth.username ?? "", expected.user) &&
        sameText(auth.password ?? "", expected.password);
      if (!ok) return callback(smtpError(535, "authentication failed: wrong user name or password"));
      callback(null, { user: auth.username });
    },

    onRcptTo(address, _session, callback) {
      findInbox(db, address.address)
        .then((inbox) => (inbox ? callback() : callback(smtpError(550, `no such inbox: ${address.address}`))))
        .catch((error) => {
          log.error({ err: error }, "inbox lookup failed");
          callback(smtpError(451, "temporary failure, try again later"));
        });
    },

    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (error) => callback(error));
      stream.on("end", () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
          return callback(smtpError(552, `message exceeds the limit of ${maxBytes} bytes`));
        }
        const source = Buffer.concat(chunks);
        const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : null;
        const deliveries = session.envelope.rcptTo.map((rcpt) =>
          receiveMail(db, { recipient: rcpt.address, source, sender }).then((outcome) =>
            log.info({ recipient: rcpt.address, ...outcome }, "order mail received"),
          ),
        );
        Promise.all(deliveries).then(
          () => callback(),
          (error) => {
            // The database failed: the sender keeps the message and tries again.
            log.error({ err: error }, "order mail could not be stored");
            callback(smtpError(451, "temporary failure, try again later"));
          },
        );
      });
    },
  };

  const server = new SMTPServer(serverOptions);
  server.on("error", (error) => log.warn({ err: error }, "mail listener error"));
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.server.once("error", onError);
    server.listen(options.port, options.host, () => {
      server.server.off("error", onError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `::ffff:127.0.0.1` → `127.0.0.1`. */
const plainAddress = (address: string) => address.trim().replace(/^::ffff:/i, "");

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
