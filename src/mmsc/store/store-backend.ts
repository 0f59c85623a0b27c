import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DirectoryBackend } from './directory-backend.ts';
import { JournalBackend } from './journal-backend.ts';
import type { StoreBackend, StoreBackendOptions, StoreLayout } from './store-backend-types.ts';
import { StoreError } from './store-error.ts';
import { acquireStoreLock } from './store-lock.ts';

export type { StoreBackend, StoreBackendOptions, StoreLayout };

/**
 * Opens the store at `root` in the given layout (default journal), refusing a store written in the
 * other one, and a store another live MMSC has open (`<root>/LOCK`, released by close()).
 */
export async function openStoreBackend(root: string, opts: StoreBackendOptions = {}): Promise<StoreBackend> {
  const layout = opts.layout ?? 'journal';
  const fsync = opts.fsync ?? true;
  const other: StoreLayout = layout === 'journal' ? 'directories' : 'journal';
  const foreign =
    layout === 'journal'
      ? hasEntries(path.join(root, 'messages')) || hasEntries(path.join(root, 'outbox'))
      : hasEntries(path.join(root, 'journal'));
  // Opening it anyway would make its messages and jobs silently disappear.
  if (foreign)
    throw new StoreError(`the store at ${root} uses the ${other} layout (set storeLayout: ${other})`);
  const release = opts.lock === false ? () => undefined : acquireStoreLock(root);
  let backend: StoreBackend;
  try {
    backend = await (layout === 'journal'
      ? JournalBackend.open(root, fsync)
      : DirectoryBackend.open(root, fsync));
  } catch (e) {
    release();
    throw e;
  }
  const close = backend.close.bind(backend);
  backend.close = async () => {
    try {
      await close();
    } finally {
      release();
    }
  };
  return backend;
}

function hasEntries(dir: string): boolean {
  try {
    return readdirSync(dir).some((n) => !n.startsWith('.'));
  } catch {
    return false;
  }
}
