export * from './expect-eventually';
export * from './infra/infra-env';
// dev PKI lives in @renkei/pki (the agent's `renkei pki` uses it too); tests keep importing it from here
export * from '@renkei/pki';
export * from './authenticate';
export * from './process';
export * from './openapi';
export * from './csv';
