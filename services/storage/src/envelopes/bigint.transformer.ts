import type { ValueTransformer } from 'typeorm';

/** bigint columns as numbers: object sizes stay far below 2^53 (intake caps an envelope at 64 MiB) */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
