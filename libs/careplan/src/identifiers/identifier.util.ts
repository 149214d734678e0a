// identifier formats and check digits, domain.md §2 and §9.6

const OFFICE_NUMBER = /^\d{2}[0-9A-HJ-NPR-Z]\d{7}$/;
const INSURER_NUMBER = /^\d{6}$/;
const INSURED_NUMBER = /^(\d{10}|H\d{9})$/;
const SERVICE_TYPE = /^[0-9A-Z]{2}$/;

/** letters A..Z without I, O, Q map to 10..32 */
const OFFICE_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

// products of letters (up to 32·2 = 64) also add their decimal digits separately
const digitSum = (n: number): number => Math.floor(n / 10) + (n % 10);

/** modulus 10, weights 2,1,2,1,… from the rightmost body character, digits of each product summed */
const mod10CheckDigit = (values: readonly number[]): number => {
  let sum = 0;
  for (let i = values.length - 1, weight = 2; i >= 0; i--, weight = 3 - weight) {
    sum += digitSum(values[i] * weight);
  }
  return (10 - (sum % 10)) % 10;
};

export const isOfficeNumberFormat = (value: string): boolean => OFFICE_NUMBER.test(value);
export const isInsurerNumberFormat = (value: string): boolean => INSURER_NUMBER.test(value);
export const isInsuredNumberFormat = (value: string): boolean => INSURED_NUMBER.test(value);
export const isServiceTypeFormat = (value: string): boolean => SERVICE_TYPE.test(value);

/** 介護保険事業所番号 検証番号; false also for malformed numbers. A failure is a warning only (§2.1). */
export const hasValidOfficeCheckDigit = (value: string): boolean => {
  if (!isOfficeNumberFormat(value)) return false;
  const body: number[] = [];
  for (let i = 0; i < 9; i++) {
    const unit = value.charCodeAt(i);
    body.push(unit <= 57 ? unit - 48 : OFFICE_LETTERS.indexOf(value[i]) + 10);
  }
  return mod10CheckDigit(body) === +value[9];
};

/** 保険者番号 検証番号 (weights 2,1,2,1,2 over the five body digits) */
export const hasValidInsurerCheckDigit = (value: string): boolean => {
  if (!isInsurerNumberFormat(value)) return false;
  const body = [0, 1, 2, 3, 4].map((i) => value.charCodeAt(i) - 48);
  return mod10CheckDigit(body) === value.charCodeAt(5) - 48;
};
