// Who calls, as the ledger takes it: the audit actor and the prefecture scope of a 国保連.
import type { AuthPrincipal } from '@renkei/platform';
import { BillingError, BillingErrorCode } from '../ledger/billing.errors';
import type { BillingActor } from '../ledger/billing.ports';
import { BillingApiError, BillingApiErrorCode } from './billing-api.errors';
import { isPrefecture, isUuid } from './dto/billing-requests.dto';

/** the 国保連's prefecture: everything it sees is scoped to it */
export function kokuhoScopeOf(principal: AuthPrincipal): string {
  if (!isPrefecture(principal.prefecture)) {
    throw new BillingApiError(
      BillingApiErrorCode.KOKUHOREN_PREFECTURE_MISSING,
      'the kokuhoren token names no prefecture 01 to 47',
    );
  }
  return principal.prefecture;
}

/** the 国保連 as the audit records it; its prefecture is its scope */
export const kokuhoActorOf = (principal: AuthPrincipal): BillingActor & { readonly prefecture: string } => ({
  id: principal.officeNumber,
  role: 'kokuhoren',
  prefecture: kokuhoScopeOf(principal),
});

export const operatorActorOf = (principal: AuthPrincipal): BillingActor => ({
  id: principal.officeNumber,
  role: 'operator',
});

/** a path id; a malformed one is as unknown as a well-formed one that names nothing (ids cannot be probed) */
export function idOf(value: string, notFound: BillingErrorCode): string {
  if (isUuid(value)) return value.toLowerCase();
  throw new BillingError(notFound, `no ${entityOf(notFound)} ${JSON.stringify(String(value).slice(0, 64))}`);
}

const entityOf = (code: BillingErrorCode): string =>
  code
    .replace(/_NOT_FOUND$/, '')
    .toLowerCase()
    .replace(/_/g, ' ');
