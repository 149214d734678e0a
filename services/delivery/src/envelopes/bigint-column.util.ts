import type { ValueTransformer } from 'typeorm';

/** bigint columns hold sizes far below 2^53 (an envelope is at most 64 MiB), so numbers are exact */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
