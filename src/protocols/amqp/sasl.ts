// SASL responses of connection.start-ok. PLAIN is "authzid\0user\0password"; AMQPLAIN is a field
// table of LOGIN and PASSWORD written without its 4-byte length (protocol-matrix §3.1).
import { decodeFieldTable, fieldToString, tableGet } from '../../formats/amqp/field-table.js';
import { AmqpCloseError, ReplyCode } from './reply-codes.js';

export const SASL_MECHANISMS = 'PLAIN AMQPLAIN';

export interface Credentials {
  mechanism: 'PLAIN' | 'AMQPLAIN';
  username: string;
  password: string;
}

export function parseSaslResponse(mechanism: string, response: Buffer): Credentials {
  if (mechanism === 'PLAIN') {
    const first = response.indexOf(0);
    const second = first < 0 ? -1 : response.indexOf(0, first + 1);
    if (first < 0 || second < 0) throw new AmqpCloseError(ReplyCode.ACCESS_REFUSED, 'PLAIN login response is not authzid\\0user\\0password');
    return {
      mechanism,
      username: response.toString('utf8', first + 1, second),
      password: response.toString('utf8', second + 1),
    };
  }
  if (mechanism === 'AMQPLAIN') {
    const withLength = Buffer.allocUnsafe(response.length + 4);
    withLength.writeUInt32BE(response.length, 0);
    response.copy(withLength, 4);
    let table;
    try {
      table = decodeFieldTable(withLength);
    } catch {
      throw new AmqpCloseError(ReplyCode.ACCESS_REFUSED, 'AMQPLAIN login response is not a field table');
    }
    const username = fieldToString(tableGet(table, 'LOGIN'));
    const password = fieldToString(tableGet(table, 'PASSWORD'));
    if (username === undefined || password === undefined) throw new AmqpCloseError(ReplyCode.ACCESS_REFUSED, 'AMQPLAIN login response lacks LOGIN or PASSWORD');
    return { mechanism, username, password };
  }
  throw new AmqpCloseError(ReplyCode.ACCESS_REFUSED, `unsupported authentication mechanism '${mechanism}'; use PLAIN or AMQPLAIN`);
}
