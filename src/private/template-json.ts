/**
 * A resolved template fragment as one JSON string that CloudFormation completes at
 * deploy time: intrinsic functions (`Ref`, `Fn::GetAtt`…) inside it become parts of
 * an `Fn::Join`, so the string changes exactly when a referenced value does.
 */
export function templateJson(fragment: unknown): unknown {
  const intrinsics: unknown[] = [];
  const marker = (i: number) => `\u0000intrinsic-${i}\u0000`;
  const text = JSON.stringify(fragment, (_key, value) => {
    if (isIntrinsic(value)) {
      intrinsics.push(value);
      return marker(intrinsics.length - 1);
    }
    return value;
  });
  if (intrinsics.length === 0) return text;
  const parts: unknown[] = [];
  let rest = text;
  intrinsics.forEach((intrinsic, i) => {
    // JSON.stringify escapes the NUL characters of the marker.
    const escaped = JSON.stringify(marker(i)).slice(1, -1);
    const at = rest.indexOf(escaped);
    parts.push(rest.slice(0, at), intrinsic);
    rest = rest.slice(at + escaped.length);
  });
  parts.push(rest);
  return { 'Fn::Join': ['', parts.filter((p) => p !== '')] };
}

/** `{ "Ref": … }` or `{ "Fn::…": … }`: one key, which names an intrinsic function. */
function isIntrinsic(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}
