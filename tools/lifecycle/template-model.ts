/**
 * Reads a stack's template and file assets from a cloud assembly, and orders its resources.
 */
import * as fs from 'fs';
import * as path from 'path';
import { collectReferences } from './intrinsics';

/** One entry of a template's `Resources`. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: Record<string, any>;
}

/** The parts of a CloudFormation template the driver uses. */
export interface CloudFormationTemplate {
  readonly Resources: Record<string, TemplateResource>;
  readonly Parameters?: Record<string, { Type: string; Default?: any }>;
  readonly Conditions?: Record<string, any>;
  readonly Mappings?: Record<string, any>;
  readonly Outputs?: Record<string, { Value: any; Condition?: string; Export?: any; Description?: string }>;
}

/** A file asset as the asset manifest describes it. */
export interface FileAsset {
  /** Absolute path of the asset's source (a directory for `zip` packaging of a folder). */
  readonly path: string;
  readonly packaging: string;
}

/** A synthesized stack: its template and a way to find Lambda code by S3 key. */
export class StackModel {
  /** Loads stack `stackName` (artifact id, or display name) from the assembly in `assemblyDir`. */
  public static fromAssembly(assemblyDir: string, stackName: string): StackModel {
    const dir = path.resolve(assemblyDir);
    const manifest = readJson(path.join(dir, 'manifest.json'));
    const artifacts: Record<string, any> = manifest.artifacts ?? {};
    const stacks = Object.entries(artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
    const found = stacks.find(([id]) => id === stackName) ?? stacks.find(([, a]) => a.displayName === stackName);
    if (!found) {
      throw new Error(`No stack "${stackName}" in ${dir} (stacks: ${stacks.map(([id]) => id).join(', ') || 'none'})`);
    }
    const [artifactId, artifact] = found;
    const template = readJson(path.join(dir, artifact.properties.templateFile));

    // The asset manifest is one of the stack's dependencies; older layouts name it <stack>.assets.json.
    const manifestIds: string[] = (artifact.dependencies ?? []).filter((d: string) => artifacts[d]?.type === 'cdk:asset-manifest');
    const assetFiles = manifestIds.map((d) => path.join(dir, artifacts[d].properties.file));
    if (assetFiles.length === 0 && fs.existsSync(path.join(dir, `${artifactId}.assets.json`))) {
      assetFiles.push(path.join(dir, `${artifactId}.assets.json`));
    }
    const assets = new Map<string, FileAsset>();
    for (const file of assetFiles) {
      for (const asset of Object.values<any>(readJson(file).files ?? {})) {
        for (const dest of Object.values<any>(asset.destinations ?? {})) {
          assets.set(dest.objectKey, { path: path.resolve(dir, asset.source.path), packaging: asset.source.packaging });
        }
      }
    }
    return new StackModel(dir, artifactId, template, assets);
  }

  private constructor(
    /** Absolute path of the cloud assembly. */
    public readonly assemblyDir: string,
    /** The stack artifact id. */
    public readonly artifactId: string,
    public readonly template: CloudFormationTemplate,
    private readonly assetsByObjectKey: ReadonlyMap<string, FileAsset>,
  ) {
    if (!template.Resources || typeof template.Resources !== 'object') {
      throw new Error(`Template of ${artifactId} has no Resources`);
    }
  }

  /** Logical ids in template order. */
  public get resourceIds(): string[] {
    return Object.keys(this.template.Resources);
  }

  /** The template entry of a resource. */
  public resource(logicalId: string): TemplateResource {
    const r = this.template.Resources[logicalId];
    if (!r) throw new Error(`No resource ${logicalId} in ${this.artifactId}`);
    return r;
  }

  /** The file asset published to S3 object key `objectKey`, if the assembly has it. */
  public assetForObjectKey(objectKey: string): FileAsset | undefined {
    return this.assetsByObjectKey.get(objectKey);
  }
}

/** Resources `resource` depends on: its `Ref`, `Fn::GetAtt` and `Fn::Sub` targets plus `DependsOn`, among `resourceIds`. */
export function dependenciesOf(resource: TemplateResource, resourceIds: ReadonlySet<string>): string[] {
  const refs = collectReferences(resource.Properties ?? {});
  const dependsOn = resource.DependsOn === undefined ? [] : ([] as string[]).concat(resource.DependsOn);
  for (const d of dependsOn) {
    if (!resourceIds.has(d)) {
      throw new Error(`Template format error: Unresolved resource dependencies [${d}] in the Resources block of the template`);
    }
    refs.add(d);
  }
  return [...refs].filter((r) => resourceIds.has(r));
}

/**
 * A creation order: every resource after its dependencies, ties broken by the order of `dependencies`' keys.
 * Throws CloudFormation's circular-dependency error on a cycle.
 */
export function creationOrder(dependencies: ReadonlyMap<string, readonly string[]>): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const pending = [...dependencies.keys()];
  while (pending.length > 0) {
    const i = pending.findIndex((id) => (dependencies.get(id) ?? []).every((d) => done.has(d) || !dependencies.has(d)));
    if (i < 0) {
      throw new Error(`Circular dependency between resources: [${pending.join(', ')}]`);
    }
    const [id] = pending.splice(i, 1);
    order.push(id);
    done.add(id);
  }
  return order;
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
