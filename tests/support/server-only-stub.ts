// Stand-in for the "server-only" package under Vitest, where modules are not
// bundled for react-server and the real package would throw on import.
export {};
