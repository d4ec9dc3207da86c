export * from "./layer";
export * from "./dense";
export * from "./activations";
export * from "./losses";
export * from "./flatten";
export * from "./dropout";
export * from "./conv";
export * from "./pool";
