/**
 * Case-id globs: `mm1.send.*` selects `mm1.send.001` and `mm1.send.status.ok`; `*` matches any
 * run of characters, `?` one character; several globs separated by commas are OR-ed.
 */
export function idGlob(patterns: string): (id: string) => boolean {
  const res = patterns
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map(
      (p) =>
        new RegExp(
          `^${p
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
        ),
    );
  if (res.length === 0) return () => true;
  return (id) => res.some((re) => re.test(id));
}
