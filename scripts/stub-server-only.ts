/**
 * Route modules and services import "server-only", which throws outside a
 * react-server bundle. Scripts that load them in plain Node (the measure
 * scripts) import this first: it resolves "server-only" to an empty module.
 */
import { register } from "node:module";

register(
  `data:text/javascript,${encodeURIComponent(
    `export async function resolve(specifier, context, next) {
      if (specifier === "server-only") return { url: "data:text/javascript,export {};", shortCircuit: true };
      return next(specifier, context);
    }`,
  )}`,
);
