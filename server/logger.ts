/**
 * The logger port (pino-compatible): the one interface every server layer logs through, kept at
 * the bottom of the server so storage and cluster code need nothing from the services above them
 * and no layer depends on fastify. app.ts passes Fastify's pino logger; tests pass a silent one.
 */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}
