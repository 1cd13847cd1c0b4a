/**
 * The unit type a file belongs to: its suffix (`app.service` → service), or for a
 * drop-in, the suffix of the unit its folder is for (`app.service.d/limits.conf` →
 * service, also `service.d/` type-wide drop-ins). Undefined when the path says nothing.
 */
export function unitTypeOf(path: string): string | undefined {
  const parts = path.split('/');
  const name = parts[parts.length - 1] ?? '';
  const folder = parts[parts.length - 2] ?? '';
  if (name.endsWith('.conf') && folder.endsWith('.d')) return suffix(folder.slice(0, -2));
  return suffix(name);
}

function suffix(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? (name.length > 0 ? name : undefined) : name.slice(dot + 1);
}

/** Whether the file is a drop-in (`*.d/*.conf`), which systemd merges into its unit. */
export function isDropIn(path: string): boolean {
  const parts = path.split('/');
  return (parts[parts.length - 1] ?? '').endsWith('.conf') && (parts[parts.length - 2] ?? '').endsWith('.d');
}
