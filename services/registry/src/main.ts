import { runMain, startApp } from '@renkei/platform';
import { registryApp } from './registry.app';

runMain(() => startApp(registryApp));
