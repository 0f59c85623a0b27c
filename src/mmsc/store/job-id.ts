/** Job ids name files in the directories layout and outbox-dead/: no separators, no leading dot. */
export function isJobId(id: string): boolean {
  return /^[A-Za-z0-9_.-]{1,160}$/.test(id) && !id.startsWith('.');
}
