// AlterConfigs (key 33, KIP-133), versions 0–1: replaces a topic's whole set of overrides; every
// config not named returns to its default. Topic configs persist in the metadata store.
import { alterConfigsSchema } from '../schema/alter-configs.js';
import { alterResource, configMap } from './config-resources.js';
import { defineHandler } from './handler.js';

export const alterConfigsHandler = defineHandler({
  schema: alterConfigsSchema,
  versionMin: 0,
  versionMax: 1,
  async handle(ctx, request) {
    const responses = [];
    for (const r of request.resources) responses.push(await alterResource(ctx, r, configMap(r.configs), 'replace', request.validateOnly));
    return { throttleTimeMs: 0, responses };
  },
});
