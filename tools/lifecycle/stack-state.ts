/**
 * What the lifecycle driver knows about the one stack it plays: its identity and live status, the
 * template it is on, every resource's state, and how the template's intrinsics resolve against them.
 * Every other part of the driver reads and writes the stack through this.
 */
import { evaluateCondition, pseudoParameters, resolveValue, ResolutionError, type IntrinsicContext } from './intrinsics';
import { defaultAttribute } from './physical-ids';
import type { StackModel, TemplateResource } from './template-model';
import type { LifecycleDriverOptions, PhysicalIdContext, ResourceState } from './types';

/** True for `AWS::CloudFormation::CustomResource` and `Custom::*`. */
export function isCustomResourceType(resourceType: string): boolean {
  return resourceType === 'AWS::CloudFormation::CustomResource' || resourceType.startsWith('Custom::');
}

/** What the driver remembers about a resource beyond the public state. */
export interface DeployedResource extends ResourceState {
  template: TemplateResource;
  /** Logical ids this resource depends on (from the template it was last created/updated from). */
  dependencies: string[];
  /** Custom resource not backed by a Provider, created without running anything. */
  simulated?: boolean;
  /** RequestId of the custom resource's last request (CloudFormation names its response object after it). */
  lastRequestId?: string;
  /** Lambda functions: the directory holding their code. */
  codeDirectory?: string;
}

/** The stack's identity, status, template and resources. */
export class StackState {
  public readonly stackName: string;
  public readonly region: string;
  public readonly account: string;
  /** The deployed resources by logical id (custom resources that failed to create included). */
  public readonly resources = new Map<string, DeployedResource>();
  public model: StackModel | undefined;
  /** The model as of the last operation that completed (for `getTemplateDuringUpdate: 'last-completed'`). */
  public completedModel: StackModel | undefined;
  /** The current stack's id; '' before the first deploy. */
  public stackId = '';
  /** The live status (what DescribeStacks answers); undefined before the first operation. */
  public status: string | undefined;
  public statusReason: string | undefined;
  public creationTime = 0;
  public lastUpdatedTime: number | undefined;
  public createRollbackDisabled = true;
  /** The stack-level RetainExceptOnCreate flag of the last CreateStack/UpdateStack (DescribeStacks shows it). */
  public retainExceptOnCreate = false;

  constructor(private readonly options: LifecycleDriverOptions) {
    this.stackName = options.stackName;
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '123456789012';
  }

  public get physicalIdContext(): PhysicalIdContext {
    return { region: this.region, account: this.account, stackName: this.stackName };
  }

  /** The stack's Outputs, resolved against the current state. Throws if one cannot be resolved. */
  public outputs(): Record<string, string> {
    if (!this.model || this.status === 'DELETE_COMPLETE') return {};
    const ctx = this.intrinsicContext(this.model);
    const out: Record<string, string> = {};
    for (const [name, output] of Object.entries(this.model.template.Outputs ?? {})) {
      if (output.Condition && !ctx.condition(output.Condition)) continue;
      const value = resolveValue(output.Value, ctx);
      out[name] = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    return out;
  }

  /** Why the Outputs cannot be resolved, or undefined if they can. */
  public outputError(): string | undefined {
    try {
      this.outputs();
      return undefined;
    } catch (e) {
      return messageOf(e);
    }
  }

  public intrinsicContext(model: StackModel): IntrinsicContext {
    const pseudo = pseudoParameters({ region: this.region, account: this.account, stackName: this.stackName, stackId: this.stackId });
    const conditions = new Map<string, boolean>();
    const ctx: IntrinsicContext = {
      region: this.region,
      mappings: model.template.Mappings,
      ref: (name) => {
        if (name in pseudo) return pseudo[name];
        const parameter = model.template.Parameters?.[name];
        if (parameter) return this.parameterValue(name, parameter);
        const r = this.resources.get(name);
        if (!r || r.status === 'CREATE_FAILED') throw new ResolutionError(`Unresolved reference: ${name} has not been created`);
        return r.physicalId;
      },
      getAtt: (id, attr) => this.attribute(id, attr),
      condition: (name) => {
        if (!conditions.has(name)) {
          const expr = model.template.Conditions?.[name];
          if (expr === undefined) throw new ResolutionError(`Template format error: Unresolved condition dependency ${name}`);
          conditions.set(name, evaluateCondition(expr, ctx));
        }
        return conditions.get(name)!;
      },
    };
    return ctx;
  }

  /** Fn::GetAtt: a custom resource's Data, or a fake attribute of anything else. */
  private attribute(logicalId: string, attribute: string): any {
    const r = this.resources.get(logicalId);
    if (!r || r.status === 'CREATE_FAILED') {
      throw new ResolutionError(`Unresolved reference: ${logicalId} has not been created`);
    }
    if (attribute in r.attributes) return r.attributes[attribute];
    if (isCustomResourceType(r.resourceType) && !r.simulated) {
      throw new ResolutionError(
        `CustomResource attribute error: Vendor response doesn't contain ${attribute} key in object ${this.stackId}|${logicalId}|${r.lastRequestId} `
        + `in S3 bucket cloudformation-custom-resource-storage-${this.region.replace(/-/g, '')}`,
      );
    }
    return defaultAttribute(logicalId, r.resourceType, r.physicalId, attribute, this.physicalIdContext);
  }

  private parameterValue(name: string, parameter: { Type: string; Default?: any }): unknown {
    const value = this.options.parameters?.[name] ?? parameter.Default;
    if (value === undefined) throw new ResolutionError(`Parameters: [${name}] must have values`);
    const isList = parameter.Type.startsWith('List<') || parameter.Type === 'CommaDelimitedList';
    return isList ? String(value).split(',') : String(value);
  }
}

/** An error's message as CloudFormation shows it in a failure reason. */
export function messageOf(e: unknown): string {
  return e instanceof Error || (e && typeof (e as any).message === 'string') ? (e as Error).message : String(e);
}
