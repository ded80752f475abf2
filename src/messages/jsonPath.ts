/** JSON paths as users read them: $.array.rows, $.tensors["conv1.w"].shape[2]. */

export type PathSegment = string | number;

export function formatJsonPath(path: readonly PropertyKey[]): string {
  let text = '$';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) text += `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}
