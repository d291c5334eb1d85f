import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Where the packages under proof come from. */
export type SnapshotSource = 'HEAD' | 'worktree';

/**
 * Copies `exercises/<name>` and `solutions/<name>` into `into`: as committed (`HEAD`, the default:
 * a learner's edits in the working copy never change the verdict), or as they are on disk
 * (`worktree`, for a maintainer checking a change before committing it). Each copy gets a link to
 * its package's installed `node_modules`, so its imports resolve as the original's do.
 *
 * @returns the paths (relative to the repository) that the snapshot lacks, e.g. an uncommitted exercise
 */
export function takeSnapshot(root: string, name: string, source: SnapshotSource, into: string): string[] {
  const packages = [`exercises/${name}`, `solutions/${name}`];
  // The packages' tsconfig.json extend it; vitest reads them.
  const shared = ['tsconfig.base.json'];
  mkdirSync(into, { recursive: true });
  if (source === 'HEAD') {
    const present = [...packages.filter((path) => committed(root, path)), ...shared];
    if (present.length > 0) {
      const tar = execFileSync('git', ['archive', '--format=tar', 'HEAD', '--', ...present], {
        cwd: root,
        maxBuffer: 256 * 1024 * 1024,
      });
      execFileSync('tar', ['-x', '-C', into], { input: tar });
    }
  } else {
    for (const path of [...packages, ...shared].filter((p) => existsSync(join(root, p)))) {
      cpSync(join(root, path), join(into, path), {
        recursive: true,
        filter: (from) => !/[\\/](node_modules|\.turbo|dist)$/.test(from),
      });
    }
  }
  for (const path of packages) {
    const modules = join(root, path, 'node_modules');
    if (existsSync(join(into, path)) && existsSync(modules)) {
      symlinkSync(modules, join(into, path, 'node_modules'), 'junction');
    }
  }
  return packages.filter((path) => !existsSync(join(into, path)));
}

const committed = (root: string, path: string): boolean =>
  execFileSync('git', ['ls-tree', '--name-only', 'HEAD', '--', path], { cwd: root }).toString().trim() !== '';
