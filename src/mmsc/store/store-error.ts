/** A store operation that cannot be done (unknown id, invalid key, corrupt journal, failed write). */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}
