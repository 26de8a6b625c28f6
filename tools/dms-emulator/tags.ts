/**
 * AddTagsToResource, ListTagsForResource and RemoveTagsFromResource on replication
 * configs and tasks, with DMS's rules for keys and values (no `aws:` or `dms:` prefix;
 * values of letters, digits, spaces and `_ . : / = + -`, up to 256 characters).
 */
import { DmsError, invalidParameter, resourceNotFound } from './dms-error';
import { requireString, RequestInput } from './request-input';

const VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const RESERVED = /^(aws|dms):/i;

export class ResourceTags {
  private readonly tags = new Map<string, Map<string, string>>();

  /** @param exists whether DMS knows the ARN (ResourceNotFoundFault otherwise) */
  constructor(private readonly exists: (arn: string) => boolean) {}

  add(input: RequestInput): object {
    const arn = this.known(input);
    const tags = input.Tags;
    if (!Array.isArray(tags) || tags.length === 0) throw invalidParameter('Tags must be a non-empty list');
    const held = this.tags.get(arn) ?? new Map<string, string>();
    for (const tag of tags as Array<{ Key?: unknown; Value?: unknown }>) {
      const key = tag.Key;
      const value = tag.Value ?? '';
      if (typeof key !== 'string' || key.length === 0 || key.length > 128 || RESERVED.test(key)) {
        throw invalidParameter(`Invalid tag key ${String(key)}: 1 to 128 characters, not beginning with aws: or dms:`);
      }
      if (typeof value !== 'string' || value.length > 256 || !VALUE.test(value) || RESERVED.test(value)) {
        throw invalidParameter(`Invalid tag value ${String(value)} for key ${key}`);
      }
      held.set(key, value);
    }
    if (held.size > 50) throw new DmsError('ResourceQuotaExceededFault', `Resource ${arn} would have more than 50 tags`);
    this.tags.set(arn, held);
    return {};
  }

  list(input: RequestInput): object {
    const arn = this.known(input);
    return { TagList: [...(this.tags.get(arn) ?? new Map()).entries()].map(([Key, Value]) => ({ Key, Value, ResourceArn: arn })) };
  }

  remove(input: RequestInput): object {
    const arn = this.known(input);
    const keys = input.TagKeys;
    if (!Array.isArray(keys)) throw invalidParameter('TagKeys must be a list');
    for (const key of keys) this.tags.get(arn)?.delete(String(key));
    return {};
  }

  private known(input: RequestInput): string {
    const arn = requireString(input, 'ResourceArn');
    if (!this.exists(arn)) throw resourceNotFound(`Resource ${arn} not found`);
    return arn;
  }
}
