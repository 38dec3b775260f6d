// What every AMQP connection of a listener shares: the broker model, limits, alarms and logging.
import type { Logger } from 'pino';
import type { AmqpBroker } from '../../broker/amqp/amqp-broker.js';
import type { ResourceAlarm } from '../../broker/resource-alarm.js';
import type { BadInputLog } from '../bad-input-log.js';
import type { MethodDurations } from './method-durations.js';

export interface AmqpServices {
  readonly broker: AmqpBroker;
  readonly alarm: ResourceAlarm;
  /** Offered in connection.tune. */
  readonly frameMax: number;
  readonly channelMax: number;
  readonly heartbeatSec: number;
  /** Largest message body accepted (RabbitMQ max_message_size). */
  readonly messageBytesMax: number;
  readonly clusterName: string;
  readonly logger: Logger;
  readonly badInput: BadInputLog;
  /** Method durations (metrics); absent: methods are not timed. */
  readonly methodDurations?: MethodDurations;
}
