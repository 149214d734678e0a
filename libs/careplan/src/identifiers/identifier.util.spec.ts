import {
  hasValidInsurerCheckDigit,
  hasValidOfficeCheckDigit,
  isInsuredNumberFormat,
  isOfficeNumberFormat,
} from './identifier.util';

describe('identifier utils', () => {
  it.each(['122192', '122069', '131011', '121012'])('accepts the insurer check digit of %s', (n) => {
    expect(hasValidInsurerCheckDigit(n)).toBe(true);
  });

  it.each(['122193', '13101', '13101A', ''])('rejects the insurer number %p', (n) => {
    expect(hasValidInsurerCheckDigit(n)).toBe(false);
  });

  it.each(['2875104529', '3450219724', '2873010983', '2794900205'])(
    'accepts the office check digit of %s',
    (n) => {
      expect(hasValidOfficeCheckDigit(n)).toBe(true);
    },
  );

  it('flags the office number domain.md reports as failing', () => {
    expect(hasValidOfficeCheckDigit('2372100034')).toBe(false);
  });

  it('maps letters in position 3 to 10..32 skipping I, O and Q', () => {
    // body 13A000000, weights from the right 2,1,2,…: A=10·2=20 -> 2, 3·1 -> 3, 1·2 -> 2; 10 - 7 = 3
    expect(hasValidOfficeCheckDigit('13A0000003')).toBe(true);
    expect(hasValidOfficeCheckDigit('13B0000003')).toBe(false);
    expect(isOfficeNumberFormat('13I0000000')).toBe(false);
  });

  it.each([
    ['0123456789', true],
    ['H123456789', true],
    ['H12345678', false],
    ['h123456789', false],
  ])('judges the insured number %s as %s', (n, ok) => {
    expect(isInsuredNumberFormat(n)).toBe(ok);
  });
});
