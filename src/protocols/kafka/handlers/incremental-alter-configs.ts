// IncrementalAlterConfigs (key 44, KIP-339), versions 0–1 (v1 is flexible). SET (0) sets a
// topic config, DELETE (1) returns it to the default. APPEND (2) and SUBTRACT (3) edit list
// configs; Wharf's only list-valued config, cleanup.policy, accepts a single value, so they are
// refused with INVALID_CONFIG and nothing of that resource changes.
import { KafkaErrorCode } from '../error-codes.js';
import type { RequestData } from '../schema/api-schema.js';
import { incrementalAlterConfigsSchema } from '../schema/incremental-alter-configs.js';
import { alterResource, refuse, type ConfigChanges } from './config-resources.js';
import { defineHandler } from './handler.js';

type ConfigOp = RequestData<typeof incrementalAlterConfigsSchema>['resources'][number]['configs'][number];

const OP_SET = 0;
const OP_DELETE = 1;
const OP_APPEND = 2;
const OP_SUBTRACT = 3;

export const incrementalAlterConfigsHandler = defineHandler({
  schema: incrementalAlterConfigsSchema,
  versionMin: 0,
  versionMax: 1,
  async handle(ctx, request) {
    const responses = [];
    for (const r of request.resources) responses.push(await alterResource(ctx, r, toChanges(r.configs), 'incremental', request.validateOnly));
    return { throttleTimeMs: 0, responses };
  },
});

/** The changes as the broker takes them (null deletes), or why the resource is refused. */
function toChanges(ops: readonly ConfigOp[]): ConfigChanges {
  const configs: Record<string, string | null> = {};
  for (const op of ops) {
    if (Object.hasOwn(configs, op.name)) return refuse(KafkaErrorCode.INVALID_REQUEST, `config ${op.name} is named twice; one operation per config`);
    if (op.configOperation === OP_SET) {
      if (op.value === null) return refuse(KafkaErrorCode.INVALID_REQUEST, `SET of ${op.name} needs a value; use DELETE to return it to its default`);
      configs[op.name] = op.value;
    } else if (op.configOperation === OP_DELETE) {
      configs[op.name] = null;
    } else if (op.configOperation === OP_APPEND || op.configOperation === OP_SUBTRACT) {
      return refuse(KafkaErrorCode.INVALID_CONFIG, `APPEND and SUBTRACT are not supported (${op.name}): Wharf has no list-valued topic config; use SET`);
    } else {
      return refuse(KafkaErrorCode.INVALID_REQUEST, `unknown config operation ${op.configOperation} for ${op.name}; use SET (0) or DELETE (1)`);
    }
  }
  return { ok: true, configs };
}
