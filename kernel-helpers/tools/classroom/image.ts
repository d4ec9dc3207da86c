/**
 * `npm run classroom -- image-root <dir>`: the Docker build context of the class image
 * (./k8s/Dockerfile): <dir>/opt/dl-lessons-class (the runtime of ./class.ts plus the postStart
 * provisioning script) and <dir>/usr/local/share/jupyter/kernels/dl-lessons, whose kernel.json
 * names the paths inside the image. The classroom test starts that kernel from such a root.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { assembleRuntime, installSystemKernel, runtimeKernelSpec } from "./class";

export const IMAGE_RUNTIME = "/opt/dl-lessons-class";
/** node in the image (NodeSource's nodejs package). */
export const IMAGE_NODE = "/usr/bin/node";

export function imageRoot(kit: string, dir: string, memoryMb = 2048): { runtime: string; kernelDir: string } {
  const runtime = path.join(dir, IMAGE_RUNTIME);
  assembleRuntime(kit, runtime);
  for (const f of ["userside.cjs", "k8s/provision.cjs"]) fs.copyFileSync(path.join(__dirname, f), path.join(runtime, path.basename(f)));
  const spec = runtimeKernelSpec(kit, IMAGE_RUNTIME, memoryMb);
  spec.argv[0] = IMAGE_NODE;
  const kernelDir = installSystemKernel(spec, path.join(dir, "usr", "local", "share", "jupyter"));
  fs.copyFileSync(path.join(__dirname, "k8s", "Dockerfile"), path.join(dir, "Dockerfile"));
  return { runtime, kernelDir };
}
