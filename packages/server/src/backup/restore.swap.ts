import fs from 'node:fs';

/**
 * Puts staged files in place of live ones by renames within one directory (atomic on one
 * volume), keeping what they replace beside them under `<name>.before-restore-<stamp>` so an
 * operator can go back. If any rename fails, the ones done are undone in reverse order: the live
 * files are either all the restored ones or all the old ones.
 */
export class Swap {
  private readonly done: [from: string, to: string][] = [];
  readonly kept: string[] = [];

  constructor(private readonly stamp: string) {}

  /** Moves `live` aside (when it exists) and `staged` into its place. */
  async replace(live: string, staged: string, companions: string[] = []): Promise<void> {
    for (const file of [live, ...companions])
      if (fs.existsSync(file)) {
        const aside = `${file}.before-restore-${this.stamp}`;
        await this.move(file, aside);
        this.kept.push(aside);
      }
    await this.move(staged, live);
  }

  async undo(): Promise<void> {
    for (const [from, to] of this.done.splice(0).reverse()) await fs.promises.rename(to, from);
    this.kept.length = 0;
  }

  private async move(from: string, to: string): Promise<void> {
    await fs.promises.rename(from, to);
    this.done.push([from, to]);
  }
}
