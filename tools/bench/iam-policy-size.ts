/**
 * Sizes of the IAM policies in a synthesized template, as IAM counts them: the policy
 * document as compact JSON (IAM ignores whitespace), with deploy-time values resolved to
 * plausible long literals (see plausible-tokens.ts).
 *
 * IAM's 10,240-character limit applies to ALL inline policies of one role together
 * (AWS::IAM::Policy resources attached to the role and the role's own `Policies`), so both
 * the largest single policy and the largest per-role total are reported.
 */
import { resolvePlausibly, TemplateLike } from './plausible-tokens';

/** One policy document of the template. */
export interface PolicySize {
  /** Logical id of the AWS::IAM::Policy / ManagedPolicy, or `<role>.Policies[<name>]`. */
  readonly id: string;
  readonly kind: 'inline' | 'managed';
  /** Logical ids of the roles it is attached to (inline policies). */
  readonly roles: string[];
  /** Compact JSON bytes of the resolved PolicyDocument. */
  readonly bytes: number;
}

export interface PolicySizes {
  readonly policies: PolicySize[];
  /** The largest single inline policy (undefined when there is none). */
  readonly largestInline?: PolicySize;
  /** The role whose inline policies together are largest, and their total. */
  readonly largestRole?: { readonly role: string; readonly bytes: number; readonly policies: string[] };
  /** The largest customer managed policy. */
  readonly largestManaged?: PolicySize;
}

/** Bytes of a policy document as IAM counts them, tokens resolved plausibly. */
export function policyDocumentBytes(document: unknown, template: TemplateLike): number {
  return Buffer.byteLength(JSON.stringify(resolvePlausibly(document, template)), 'utf8');
}

/** Every policy document of `template`, its size, and the largest per role. */
export function measurePolicies(template: TemplateLike): PolicySizes {
  const policies: PolicySize[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Policy') {
      policies.push({ id, kind: 'inline', roles: roleIds(props.Roles), bytes: policyDocumentBytes(props.PolicyDocument, template) });
    } else if (resource.Type === 'AWS::IAM::ManagedPolicy') {
      policies.push({ id, kind: 'managed', roles: [], bytes: policyDocumentBytes(props.PolicyDocument, template) });
    } else if (resource.Type === 'AWS::IAM::Role') {
      for (const p of props.Policies ?? []) {
        policies.push({ id: `${id}.Policies[${p.PolicyName}]`, kind: 'inline', roles: [id], bytes: policyDocumentBytes(p.PolicyDocument, template) });
      }
    }
  }

  const perRole = new Map<string, { bytes: number; policies: string[] }>();
  for (const p of policies.filter((x) => x.kind === 'inline')) {
    for (const role of p.roles) {
      const entry = perRole.get(role) ?? { bytes: 0, policies: [] };
      entry.bytes += p.bytes;
      entry.policies.push(p.id);
      perRole.set(role, entry);
    }
  }
  const largest = <T extends { bytes: number }>(items: T[]) =>
    items.reduce<T | undefined>((best, x) => (!best || x.bytes > best.bytes ? x : best), undefined);
  return {
    policies,
    largestInline: largest(policies.filter((p) => p.kind === 'inline')),
    largestManaged: largest(policies.filter((p) => p.kind === 'managed')),
    largestRole: largest([...perRole].map(([role, v]) => ({ role, ...v }))),
  };
}

/** Logical ids of `Roles: [{ Ref: id }, …]`; literal role names are kept as they are. */
function roleIds(roles: unknown): string[] {
  return (Array.isArray(roles) ? roles : []).map((r: any) => (r && typeof r === 'object' && 'Ref' in r ? String(r.Ref) : String(r)));
}
