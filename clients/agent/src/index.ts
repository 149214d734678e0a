// @renkei/agent as a library: the platform client, the profile store and every command (they return data;
// the CLI layer prints it). Used by the CLI, by unit tests and by e2e tests.
export * from './agent.errors';
export * from './agent.context';
export * from './platform-client';
export * from './profile.store';
export * from './files.util';
export { parseCommandLine } from './cli.args';
export type { CommandName, GlobalFlags, ParsedCommandLine } from './cli.args';
export { runCli } from './cli';
export type { CliIo } from './cli';
export * from './commands/pki.command';
export * from './commands/init.command';
export * from './commands/validate.command';
export * from './commands/send.command';
export * from './commands/inbox.command';
export * from './commands/fetch.command';
export * from './commands/status.command';
export * from './commands/demo.command';
