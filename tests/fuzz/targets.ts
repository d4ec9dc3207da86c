/**
 * What the fuzz suite calls: every value exported by the public entry points, read from their
 * declarations with the TypeScript compiler API, so a new export is fuzzed without a test change.
 *
 *   function f(a, b?)            → target "f"                 (kind "function")
 *   class C { constructor(x) }   → target "C.new"             (kind "construct")
 *             static s(y)        → target "C.s"               (kind "static")
 *             m(z)               → target "C#m"               (kind "method", called on a valid C)
 *   const K = "…" / [...]        → listed as a constant, not called
 *
 * For each parameter the target records its name, whether it is optional, and, when its type is
 * an object type (an options object), the names of its properties: the fuzzer fills options
 * objects with those keys and bad values.
 */
import * as path from "node:path";
import * as fs from "node:fs";
import ts from "typescript";

export const ROOT = path.resolve(__dirname, "..", "..");

/** The public entry points: import name → source file. Absent files are skipped ("if present"). */
export const ENTRIES: Record<string, string> = {
  "dl-lessons": "src/index.ts",
  "dl-lessons/kernel": "kernel-helpers/index.ts",
  "dl-lessons/grade": "kernel-helpers/grade/index.ts",
};

export interface ParamInfo {
  name: string;
  optional: boolean;
  /** property names when the parameter's type is an object type (options) */
  props?: string[];
}

export interface Target {
  /** e.g. "dl-lessons:Tensor#reshape" */
  key: string;
  entry: string;
  /** the exported name (the class for construct/static/method) */
  exportName: string;
  member?: string;
  kind: "function" | "construct" | "static" | "method";
  params: ParamInfo[];
  /** the file the export is declared in, relative to the project root (the family of its findings) */
  module: string;
}

export interface Enumeration {
  targets: Target[];
  constants: string[];
  /** exported classes that extend Error: a throw of one of these is a documented error */
  errorClasses: { entry: string; name: string }[];
  entries: string[];
}

function paramsOf(checker: ts.TypeChecker, sig: ts.Signature, at: ts.Node): ParamInfo[] {
  return sig.getParameters().map((p) => {
    const decl = p.valueDeclaration as ts.ParameterDeclaration | undefined;
    const optional = !!decl && (decl.questionToken !== undefined || decl.initializer !== undefined || decl.dotDotDotToken !== undefined);
    const type = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(p, decl ?? at));
    let props: string[] | undefined;
    const isObjectish = (t: ts.Type) =>
      (t.flags & ts.TypeFlags.Object) !== 0 && t.getCallSignatures().length === 0 && !checker.isArrayType(t) && !checker.isTupleType(t);
    const candidates = type.isUnion() ? type.types.filter(isObjectish) : isObjectish(type) ? [type] : [];
    if (candidates.length > 0) {
      const names = new Set<string>();
      for (const t of candidates) {
        // Class instances (Tensor, Network) are not options objects.
        if (t.getSymbol()?.flags && (t.getSymbol()!.flags & ts.SymbolFlags.Class) !== 0) continue;
        for (const prop of checker.getPropertiesOfType(t)) {
          // Options the project declares, not the members of Float64Array, Map or ProcessEnv.
          const d = prop.valueDeclaration ?? prop.declarations?.[0];
          if (d && !d.getSourceFile().isDeclarationFile) names.add(prop.getName());
        }
      }
      if (names.size > 0 && names.size <= 40) props = [...names];
    }
    return { name: p.getName(), optional, props };
  });
}

/** The widest signature: most parameters. */
function widest(sigs: readonly ts.Signature[]): ts.Signature | undefined {
  return [...sigs].sort((a, b) => b.getParameters().length - a.getParameters().length)[0];
}

function isPublicMember(sym: ts.Symbol): boolean {
  const decl = sym.valueDeclaration ?? sym.declarations?.[0];
  if (!decl) return false;
  const mods = ts.canHaveModifiers(decl) ? ts.getModifiers(decl) ?? [] : [];
  if (mods.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) return false;
  // Only members declared by the project (not Error.captureStackTrace and the like from lib.d.ts).
  if (decl.getSourceFile().isDeclarationFile) return false;
  return !sym.getName().startsWith("#") && !sym.getName().startsWith("__");
}

/** Enumerate the exports of every present entry point. */
export function enumerate(root: string = ROOT, which: Record<string, string> = ENTRIES): Enumeration {
  const entries = Object.entries(which).filter(([, file]) => fs.existsSync(path.join(root, file)));
  const files = entries.map(([, f]) => path.join(root, f));
  const config = ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const out: Enumeration = { targets: [], constants: [], errorClasses: [], entries: entries.map(([e]) => e) };

  for (const [entry, file] of entries) {
    const sf = program.getSourceFile(path.join(root, file));
    if (!sf) throw new Error(`fuzz: cannot read ${file}`);
    const moduleSym = checker.getSymbolAtLocation(sf);
    if (!moduleSym) throw new Error(`fuzz: ${file} has no exports`);
    for (const exp of checker.getExportsOfModule(moduleSym)) {
      const spec = exp.declarations?.[0];
      if (spec && ts.isExportSpecifier(spec) && (spec.isTypeOnly || spec.parent.parent.isTypeOnly)) continue; // export type { … }
      const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
      if ((sym.flags & ts.SymbolFlags.Value) === 0) continue; // a type
      const name = exp.getName();
      const decl = sym.valueDeclaration ?? sym.declarations?.[0];
      if (!decl) continue;
      const module = path.relative(root, decl.getSourceFile().fileName);
      const base = { entry, exportName: name, module };
      if (sym.flags & ts.SymbolFlags.Class) {
        const classType = checker.getTypeOfSymbolAtLocation(sym, decl);
        const instanceType = checker.getDeclaredTypeOfSymbol(sym);
        if (isErrorClass(checker, instanceType)) out.errorClasses.push({ entry, name });
        const ctor = widest(classType.getConstructSignatures());
        out.targets.push({ ...base, key: `${entry}:${name}.new`, kind: "construct", params: ctor ? paramsOf(checker, ctor, decl) : [] });
        for (const prop of checker.getPropertiesOfType(classType)) {
          if (prop.getName() === "prototype" || !isPublicMember(prop)) continue;
          const sig = widest(checker.getTypeOfSymbolAtLocation(prop, decl).getCallSignatures());
          if (!sig) continue;
          out.targets.push({ ...base, member: prop.getName(), key: `${entry}:${name}.${prop.getName()}`, kind: "static", params: paramsOf(checker, sig, decl) });
        }
        for (const prop of checker.getPropertiesOfType(instanceType)) {
          if (!(prop.flags & ts.SymbolFlags.Method) || !isPublicMember(prop)) continue;
          const sig = widest(checker.getTypeOfSymbolAtLocation(prop, decl).getCallSignatures());
          if (!sig) continue;
          out.targets.push({ ...base, member: prop.getName(), key: `${entry}:${name}#${prop.getName()}`, kind: "method", params: paramsOf(checker, sig, decl) });
        }
        continue;
      }
      const type = checker.getTypeOfSymbolAtLocation(sym, decl);
      const sig = widest(type.getCallSignatures());
      if (sig) out.targets.push({ ...base, key: `${entry}:${name}`, kind: "function", params: paramsOf(checker, sig, decl) });
      else out.constants.push(`${entry}:${name}`);
    }
  }
  return out;
}

function isErrorClass(checker: ts.TypeChecker, t: ts.Type): boolean {
  for (let cur: ts.Type | undefined = t; cur; ) {
    if (cur.getSymbol()?.getName() === "Error") return true;
    const bases: ts.BaseType[] = cur.isClassOrInterface() ? checker.getBaseTypes(cur) : [];
    cur = bases[0];
  }
  return false;
}

if (require.main === module) {
  const e = enumerate();
  for (const t of e.targets) console.log(t.key, t.params.map((p) => p.name + (p.optional ? "?" : "") + (p.props ? `{${p.props.join(",")}}` : "")).join(", "));
  console.log("constants:", e.constants.join(" "));
  console.log("errors:", e.errorClasses.map((c) => c.name).join(" "));
  console.log(e.targets.length, "targets");
}
