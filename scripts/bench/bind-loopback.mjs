// Loaded with `node --import` into Portkey's gateway for `npm run bench -- --peer`:
// it has no host option and listens on every interface, so a listen() without a
// host is given 127.0.0.1. A benchmark must not open a port to the network.
import net from "node:net";

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [first] = args;
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    if (args[1] === undefined || args[1] === null) args[1] = "127.0.0.1";
    else if (typeof args[1] === "function") args.splice(1, 0, "127.0.0.1");
  } else if (first && typeof first === "object" && !("path" in first) && !first.host) {
    args[0] = { ...first, host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};
