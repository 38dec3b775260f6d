// How field values read in RabbitMQ's error texts: its type names ('signedint', 'longstr', ...)
// and a short rendering of the value.
import type { FieldValue } from '../../formats/amqp/field-types.js';

const TYPE_NAMES: Record<FieldValue['tag'], string> = {
  t: 'bool', b: 'byte', B: 'unsignedbyte', s: 'short', u: 'unsignedshort', I: 'signedint', i: 'unsignedint',
  l: 'long', L: 'long', f: 'float', d: 'double', D: 'decimal', S: 'longstr', x: 'binary', A: 'array',
  T: 'timestamp', F: 'table', V: 'void',
};

export function fieldTypeName(v: FieldValue): string {
  return TYPE_NAMES[v.tag];
}

export function fieldValueText(v: FieldValue): string {
  switch (v.tag) {
    case 'S': return v.value.toString('utf8');
    case 'x': return v.value.toString('hex');
    case 'D': return `${v.value.value}e-${v.value.scale}`;
    case 'V': return 'undefined';
    case 'A': return `[${v.value.map(fieldValueText).join(',')}]`;
    case 'F': return `{${[...v.value].map(([k, w]) => `${k}=${fieldValueText(w)}`).join(',')}}`;
    default: return String(v.value);
  }
}
