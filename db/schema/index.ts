export { MODES, type Mode } from "./_shared";
export * from "./analytics";
export * from "./auth";
export * from "./connections";
export * from "./conversations";
export * from "./disputes";
export * from "./flows";
export * from "./ops";
export * from "./payments";
