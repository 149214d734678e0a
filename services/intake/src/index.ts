export * from './intake.app';
export * from './intake.definition';
export * from './intake.module';
