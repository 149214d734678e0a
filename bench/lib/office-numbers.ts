import { hasValidOfficeCheckDigit } from '@renkei/careplan';

/** `count` 事業所番号 with a valid check digit, counting up from `first` */
export function officeNumbers(count: number, first: number): string[] {
  const numbers: string[] = [];
  for (let n = first; numbers.length < count; n++) {
    if (hasValidOfficeCheckDigit(String(n))) numbers.push(String(n));
  }
  return numbers;
}
