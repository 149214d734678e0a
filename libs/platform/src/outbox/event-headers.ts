// Reading the envelope headers (STYLE §6); their names live with the bus, which reads the correlation id too.
import { EventHeaders, PermanentMessageError, type IncomingMessage } from '../messaging/event-bus';

export { EventHeaders };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The message's event id, for `Inbox.process`. A message without one, or with one that is not a uuid,
 * can never be de-duplicated: PermanentMessageError('missing-event-id' | 'invalid-event-id').
 */
export function eventIdOf(message: Pick<IncomingMessage, 'headers'>): string {
  const eventId = message.headers[EventHeaders.eventId];
  if (!eventId) throw new PermanentMessageError('missing-event-id', `no ${EventHeaders.eventId} header`);
  if (!UUID.test(eventId))
    throw new PermanentMessageError('invalid-event-id', `${EventHeaders.eventId} is not a uuid`);
  return eventId.toLowerCase();
}
